package io.caravan.telegram.bot;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A slash command as typed in a chat: {@code /subscribe@CaravanBot electronics 30} becomes name {@code subscribe}
 * and arguments {@code [electronics, 30]}.
 *
 * @param name lower-case, without the slash and without an {@code @botname} suffix
 * @param args the words after the command, split on any whitespace
 */
public record BotCommand(String name, List<String> args) {

    /**
     * Telegram's own rule for command names (1–32 of a-z, 0-9, _), matched case-insensitively because phones
     * capitalise the first letter. The {@code @suffix} is dropped whatever bot it names: the bot answers only
     * private chats, where every command is meant for it.
     */
    private static final Pattern COMMAND = Pattern.compile("/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?");

    public BotCommand {
        args = List.copyOf(args);
    }

    /** @return empty when the text does not start with a command */
    public static Optional<BotCommand> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] words = text.strip().split("\\s+");
        Matcher command = COMMAND.matcher(words[0]);
        if (!command.matches()) {
            return Optional.empty();
        }
        return Optional.of(new BotCommand(command.group(1).toLowerCase(Locale.ROOT),
                Arrays.asList(words).subList(1, words.length)));
    }

    public String arg(int index) {
        return index < args.size() ? args.get(index) : null;
    }
}
