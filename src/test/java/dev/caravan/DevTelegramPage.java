package dev.caravan;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** /dev/telegram: what the fake Telegram received, newest first, and a box to "send" the bot a command. */
@RestController
public class DevTelegramPage {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final FakeTelegram telegram;

    public DevTelegramPage(FakeTelegram telegram) {
        this.telegram = telegram;
    }

    @GetMapping(value = "/dev/telegram", produces = MediaType.TEXT_HTML_VALUE)
    public String page() {
        List<FakeTelegram.Sent> sent = telegram.sentNewestFirst();
        StringBuilder html = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
                <title>Caravan dev · Telegram</title>
                <style>body{font-family:sans-serif;margin:2em;max-width:60em}
                .m{border:1px solid #ccc;border-radius:8px;padding:.6em 1em;margin:.5em 0}
                .user{background:#eef6ff}.meta{color:#666;font-size:.85em}img{max-height:4em;float:right}
                pre{white-space:pre-wrap;margin:.3em 0}</style></head><body>
                <h1>Telegram (fake)</h1>
                <form method="post" action="/dev/telegram/say">
                  chat <input name="chatId" value="4242" size="8">
                  language <select name="lang"><option>en</option><option>tr</option></select>
                  <input name="text" value="/start" size="40"> <button>send to bot</button>
                </form>
                """);
        html.append("<p class=meta>").append(sent.size()).append(" messages · ").append(telegram.throttledCount())
                .append(" sends refused with 429 · refreshes every 5 s</p>");
        for (FakeTelegram.Sent message : sent) {
            html.append("<div class='m").append(message.method().equals("user") ? " user" : "").append("'>")
                    .append("<div class=meta>").append(TIME.format(message.at())).append(" · ")
                    .append(HtmlUtils.htmlEscape(message.method())).append(" · chat ")
                    .append(HtmlUtils.htmlEscape(message.chatId())).append(" · message ").append(message.messageId())
                    .append("</div>");
            if (message.photo() != null) {
                html.append("<img src='").append(HtmlUtils.htmlEscape(message.photo())).append("' alt='photo'>");
            }
            // Telegram renders the HTML subset the hub sends; show it the same way, but never run anything.
            html.append("<pre>").append(message.text() == null ? "" : telegramHtml(message.text())).append("</pre>");
            if (message.buttons() != null) {
                html.append("<div class=meta>buttons: ").append(HtmlUtils.htmlEscape(message.buttons())).append("</div>");
            }
            html.append("</div>");
        }
        return html.append("</body></html>").toString();
    }

    @PostMapping("/dev/telegram/say")
    public ResponseEntity<Void> say(@RequestParam long chatId, @RequestParam String text,
                                    @RequestParam(defaultValue = "en") String lang) {
        telegram.userSays(chatId, text, lang);
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, "/dev/telegram").build();
    }

    /** Keeps Telegram's formatting tags (b, i, s, a) and escapes everything else. */
    static String telegramHtml(String text) {
        String escaped = HtmlUtils.htmlEscape(HtmlUtils.htmlUnescape(text));
        return escaped.replaceAll("&lt;(/?)(b|i|s|u|code)&gt;", "<$1$2>")
                .replaceAll("&lt;a href=&quot;(https?://[^&]*)&quot;&gt;", "<a href=\"$1\">").replace("&lt;/a&gt;", "</a>");
    }
}
