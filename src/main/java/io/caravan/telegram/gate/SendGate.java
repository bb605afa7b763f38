package io.caravan.telegram.gate;

import io.caravan.telegram.TelegramProperties;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The one gate every Bot API call of this instance passes: a global budget, one per channel or group, one per
 * private chat, and at most one call in flight per chat (which also keeps a chat's messages in order).
 * <p>
 * Non-blocking: {@link #tryAcquire} answers at once, either with a permit or with how long that chat has to wait,
 * so the sender goes on with other chats. Each budget is a sliding log of the last {@code count} calls, and a call
 * is logged when its answer arrives, while calls still in flight count as "now". Telegram receives a request after
 * we decide to send it and before we get its answer, so logging the answer time makes any window of Telegram's
 * clock see at most {@code count} requests, however long each request takes on the wire. A token bucket (or
 * Resilience4j's RateLimiter, which refreshes a fixed number of permits per cycle) allows up to twice its rate across
 * a window boundary, which Telegram answers with 429s.
 * <p>
 * This instance's own books: the gate of a single hub ({@code caravan.cluster.budgets=local}), and the local share a
 * {@link ClusterSendGate} falls back to while Redis is unreachable (the cluster's budgets live in Redis otherwise).
 * A 429's pause is shared through {@code telegram_chats.paused_until}.
 */
public class SendGate {

    /** Lengthens every window a little, for the difference between our clock and the server's timestamps. */
    private static final long SAFETY_NANOS = Duration.ofMillis(5).toNanos();

    /** {@code count} calls per {@code window}. */
    public record Budget(int count, Duration window) {

        /** A rate of r per second as whole calls: 25/s → 25 per 1 s, 0.5/s → 1 per 2 s, 2.5/s → 2 per 0.8 s. */
        public static Budget perSecond(double rate) {
            int count = Math.max(1, (int) Math.floor(rate));
            return new Budget(count, Duration.ofNanos(Math.round(count / rate * 1e9)));
        }

        public static Budget perMinute(int count) {
            return new Budget(count, Duration.ofMinutes(1));
        }
    }

    /**
     * @param granted     the call may go now; call {@link #release} when it is answered
     * @param waitFor     when not granted: how long until this chat may send, or null when it waits for a call in
     *                    flight to be answered
     * @param globalLimit when not granted: the global budget is spent, so no other chat can send either
     */
    public record Decision(boolean granted, Duration waitFor, boolean globalLimit) {
    }

    private static final class Log {
        final Deque<Long> answered = new ArrayDeque<>();
        int inFlight;
        long pausedUntil = Long.MIN_VALUE;

        void prune(long now, long window, int keep) {
            while (answered.size() > keep || !answered.isEmpty() && answered.peekFirst() <= now - window) {
                answered.pollFirst();
            }
        }
    }

    private final Budget global;
    private final Budget group;
    private final Budget privateChat;
    private final LongSupplier nanoClock;
    private final Log globalLog = new Log();
    private final Map<String, Log> chats = new HashMap<>();

    public SendGate(Budget global, Budget group, Budget privateChat, LongSupplier nanoClock) {
        this.global = global;
        this.group = group;
        this.privateChat = privateChat;
        this.nanoClock = nanoClock;
    }

    public static SendGate of(TelegramProperties.Limits limits) {
        return new SendGate(Budget.perSecond(limits.globalPerSecond()), Budget.perMinute(limits.perGroupPerMinute()),
                Budget.perSecond(limits.perPrivateChatPerSecond()), System::nanoTime);
    }

    /** Telegram's convention: channel and group ids are negative numbers or {@code @names}; users are positive. */
    public static boolean isGroup(String chatId) {
        return chatId.startsWith("@") || chatId.startsWith("-");
    }

    public synchronized Decision tryAcquire(String chatId) {
        long now = nanoClock.getAsLong();
        Log chat = chats.computeIfAbsent(chatId, id -> new Log());
        Budget budget = isGroup(chatId) ? group : privateChat;
        if (chat.inFlight > 0) {
            return new Decision(false, null, false);
        }
        if (chat.pausedUntil > now) {
            return new Decision(false, Duration.ofNanos(chat.pausedUntil - now), false);
        }
        long chatWait = waitFor(chat, budget, now);
        if (chatWait > 0) {
            return new Decision(false, Duration.ofNanos(chatWait), false);
        }
        long globalWait = waitFor(globalLog, global, now);
        if (globalWait != 0) {
            return new Decision(false, globalWait < 0 ? null : Duration.ofNanos(globalWait), true);
        }
        chat.inFlight++;
        globalLog.inFlight++;
        return new Decision(true, Duration.ZERO, false);
    }

    /**
     * @param called false when no request reached Telegram (the message was dropped, or another instance had it):
     *               then the permit is simply given back
     */
    public synchronized void release(String chatId, boolean called) {
        long now = nanoClock.getAsLong();
        Log chat = chats.get(chatId);
        if (chat != null && chat.inFlight > 0) {
            chat.inFlight--;
            if (called) {
                chat.answered.addLast(now);
            }
        }
        if (globalLog.inFlight > 0) {
            globalLog.inFlight--;
            if (called) {
                globalLog.answered.addLast(now);
            }
        }
    }

    /** A 429: this chat waits {@code duration} (Telegram's retry_after). */
    public synchronized void pause(String chatId, Duration duration) {
        Log chat = chats.computeIfAbsent(chatId, id -> new Log());
        chat.pausedUntil = Math.max(chat.pausedUntil, nanoClock.getAsLong() + duration.toNanos());
    }

    /** How long this chat still waits out a 429 (zero when it does not). */
    protected synchronized Duration pausedFor(String chatId) {
        Log chat = chats.get(chatId);
        long now = nanoClock.getAsLong();
        // Compared, not subtracted first: a chat never paused holds Long.MIN_VALUE, and MIN_VALUE - now overflows.
        return chat == null || chat.pausedUntil <= now ? Duration.ZERO : Duration.ofNanos(chat.pausedUntil - now);
    }

    /** Forgets chats that have nothing in their window, so thousands of subscribers do not pile up. */
    public synchronized void forgetIdle() {
        long now = nanoClock.getAsLong();
        long longest = Math.max(group.window().toNanos(), privateChat.window().toNanos()) + SAFETY_NANOS;
        for (Iterator<Log> it = chats.values().iterator(); it.hasNext(); ) {
            Log log = it.next();
            if (log.inFlight == 0 && log.pausedUntil <= now
                    && (log.answered.isEmpty() || log.answered.peekLast() <= now - longest)) {
                it.remove();
            }
        }
    }

    synchronized int trackedChats() {
        return chats.size();
    }

    /** @return 0 when a call fits, the nanos until one fits, or -1 when only an answer in flight can free room */
    private static long waitFor(Log log, Budget budget, long now) {
        long window = budget.window().toNanos() + SAFETY_NANOS;
        log.prune(now, window, budget.count());
        int used = log.answered.size() + log.inFlight;
        if (used < budget.count()) {
            return 0;
        }
        int mustExpire = used - budget.count() + 1;
        if (mustExpire > log.answered.size()) {
            return -1;
        }
        Iterator<Long> oldest = log.answered.iterator();
        long at = 0;
        for (int i = 0; i < mustExpire; i++) {
            at = oldest.next();
        }
        return Math.max(1, at + window - now);
    }
}
