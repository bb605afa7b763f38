package io.caravan.core;

import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;

/**
 * At build time only (Spring AOT's processing, {@code META-INF/spring/aot.factories}): writes the settings the
 * generated bean definitions were made for into the jar ({@link SpringAotSettings#RESOURCE}), for
 * {@link SpringAotGuard} to compare at start.
 */
class SpringAotRecorder implements BeanFactoryInitializationAotProcessor {

    @Override
    public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
        String settings = SpringAotSettings.of(beanFactory.getBean(Environment.class));
        return (generationContext, code) -> generationContext.getGeneratedFiles()
                .addResourceFile(SpringAotSettings.RESOURCE, "# Spring AOT: the settings this jar's bean definitions were made for\n" + settings);
    }
}
