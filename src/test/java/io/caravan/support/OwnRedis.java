package io.caravan.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A redis-server of a test's own on a free port, which the test may stop and start (never the shared one); the binary
 * embedded-redis ships, so it runs on machines without Redis installed. Keys saved with SAVE are loaded again by the
 * next start (its folder keeps dump.rdb).
 */
public final class OwnRedis implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    public OwnRedis() throws IOException {
        port = EmbeddedServices.freePort();
        dir = Files.createTempDirectory("caravan-redis");
        start();
    }

    public int port() {
        return port;
    }

    public void start() throws IOException {
        process = new ProcessBuilder(EmbeddedServices.redisServerBinary().getAbsolutePath(), "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        // PING, not just a connection: a server loading its saved keys accepts connections before it answers.
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "PONG".equals(RedisCli.call("127.0.0.1", port, "PING")));
    }

    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** A template with a short timeout, as the hub's (spring.data.redis.timeout). */
    public StringRedisTemplate template() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(500)).build());
        factory.afterPropertiesSet();
        factory.start();
        return new StringRedisTemplate(factory);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
