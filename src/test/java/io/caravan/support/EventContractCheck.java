package io.caravan.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.outbox.Outbox;
import java.util.ArrayList;
import java.util.List;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every event a hub started by a test publishes (through {@link Outbox}: {@code to: outbox:}, pgload:, the price
 * checks, fixtures) is checked against its JSON Schema in {@code events/}. Registered for every Spring application of
 * the tests (src/test/resources/META-INF/spring.factories) and, as a JUnit extension found by auto-detection
 * (junit-platform.properties), it fails the test during which an event broke its contract.
 */
public class EventContractCheck implements ApplicationContextInitializer<ConfigurableApplicationContext>,
        AfterEachCallback, AfterAllCallback {

    private static final List<String> VIOLATIONS = new ArrayList<>();

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.addBeanFactoryPostProcessor(factory -> factory.addBeanPostProcessor(new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof Outbox outbox ? checking(outbox, factory) : bean;
            }
        }));
    }

    private static Object checking(Outbox outbox, ConfigurableListableBeanFactory factory) {
        ProxyFactory proxy = new ProxyFactory(outbox);
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) invocation -> {
            Object[] args = invocation.getArguments();
            ObjectMapper json = factory.getBean(ObjectMapper.class);
            if (invocation.getMethod().getName().equals("publish") && args.length == 2) {
                check((String) args[0], args[1], json);
            } else if (invocation.getMethod().getName().equals("publishAll") && args.length == 1) {
                for (Object event : (List<?>) args[0]) {
                    Outbox.Event e = (Outbox.Event) event;
                    check(e.type(), e.payload(), json);
                }
            }
            return invocation.proceed();
        });
        return proxy.getProxy(outbox.getClass().getClassLoader());
    }

    private static void check(String type, Object payload, ObjectMapper json) throws JsonProcessingException {
        String text = payload instanceof String s ? s : json.writeValueAsString(payload);
        List<String> found = EventContracts.violations(type, text);
        if (!found.isEmpty()) {
            synchronized (VIOLATIONS) {
                VIOLATIONS.add(String.join("; ", found) + " in " + text);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOnViolations();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        failOnViolations();
    }

    /** Takes what was found so far (for a test that breaks a contract on purpose). */
    public static List<String> takeViolations() {
        synchronized (VIOLATIONS) {
            List<String> found = List.copyOf(VIOLATIONS);
            VIOLATIONS.clear();
            return found;
        }
    }

    private static void failOnViolations() {
        List<String> found = takeViolations();
        if (!found.isEmpty()) {
            throw new AssertionError("Events broke their contract (src/main/resources/events):\n  "
                    + String.join("\n  ", found));
        }
    }
}
