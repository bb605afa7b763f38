package io.caravan.core;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Puts {@code caravan.db.schema} first on the search path of every connection a HikariCP pool (Spring Boot's default,
 * the only kind it touches) opens, through the pool's {@code connectionInitSql}, whatever the datasource URL says:
 * the hub's queries name its tables (outbox, job_runs, Quartz's) without a schema, and a plain
 * {@code SPRING_DATASOURCE_URL} without {@code currentSchema} would otherwise send them to {@code public}. The path
 * the URL or the server set stays behind it (extensions installed in {@code public} are still found).
 */
public class SchemaSearchPath implements BeanPostProcessor {

    private final Environment environment;

    public SchemaSearchPath(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource hikari) {
            String schema = Binder.get(environment).bind("caravan.db.schema", String.class).orElse(null);
            if (schema != null && schema.matches("[a-z_][a-z0-9_]{0,62}")) { // CaravanProperties refuses anything else
                String own = hikari.getConnectionInitSql();
                hikari.setConnectionInitSql(initSql(schema) + (own == null || own.isBlank() ? "" : "; " + own));
            }
        }
        return bean;
    }

    static String initSql(String schema) {
        return "SELECT set_config('search_path', concat_ws(', ', '\"" + schema
                + "\"', nullif(current_setting('search_path'), '')), false)";
    }
}
