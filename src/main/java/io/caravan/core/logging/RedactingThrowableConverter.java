package io.caravan.core.logging;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;
import io.caravan.core.Secrets;

/** Stack traces with every known secret masked: exception messages often quote URLs and request bodies. */
public class RedactingThrowableConverter extends ExtendedThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return CoreConstants.LINE_SEPARATOR + Secrets.redact(super.throwableProxyToString(proxy));
    }
}
