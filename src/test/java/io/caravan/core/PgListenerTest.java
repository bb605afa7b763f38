package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.PGNotification;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** A worker's LISTEN connection that PostgreSQL drops (a restart, a failover) is replaced and hears NOTIFY again. */
class PgListenerTest {

    @Test
    void aTerminatedListenerConnectionIsReplacedAndNotificationsArriveAgain() throws Exception {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestEnvironment.jdbcUrl("public"),
                TestEnvironment.PG_USER, TestEnvironment.PG_PASSWORD);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        String channel = "pglistener_" + UUID.randomUUID().toString().substring(0, 8);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sessions = new AtomicInteger();
        CopyOnWriteArrayList<Integer> backends = new CopyOnWriteArrayList<>();
        CopyOnWriteArrayList<String> heard = new CopyOnWriteArrayList<>();

        Thread worker = new Thread(() -> PgListener.listen(dataSource, channel, running::get,
                LoggerFactory.getLogger(PgListenerTest.class), "test listener", pg -> {
                    sessions.incrementAndGet();
                    backends.add(pg.getBackendPID());
                    while (running.get()) {
                        PGNotification[] notifications = pg.getNotifications(200);
                        if (notifications != null) {
                            for (PGNotification notification : notifications) {
                                heard.add(notification.getParameter());
                            }
                        }
                    }
                }));
        worker.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> sessions.get() == 1);
            jdbc.execute("NOTIFY \"" + channel + "\", 'before'");
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("before"));

            jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, backends.get(0));

            await().atMost(Duration.ofSeconds(15)).until(() -> sessions.get() == 2);
            assertThat(backends.get(1)).isNotEqualTo(backends.get(0));
            jdbc.execute("NOTIFY \"" + channel + "\", 'after'");
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("after"));
        } finally {
            running.set(false);
            worker.join(5_000);
        }
        assertThat(worker.isAlive()).isFalse();
    }
}
