package io.caravan.alerts;

import io.caravan.core.Secrets;
import io.caravan.telegram.gate.TelegramGateEndpoint;
import io.caravan.telegram.TelegramHtml;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;

/**
 * What each channel's message says: the alert's text, the job, run and error where there are some, a link to the
 * console's run page, and how many of its key were held back by the repeat window. Secrets are masked again here,
 * since a publisher outside the hub's own code may not have.
 */
public class AlertMessages {

    /** Long enough for a stack's first lines, short enough for a phone screen. */
    private static final int MAX_TEXT = 1500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private final AlertsProperties properties;
    private final String adminChatId;
    private final String instance;

    /**
     * @param adminChatId caravan.telegram.admin-chat-id
     * @param instance    this hub's name, at the foot of an e-mail
     */
    public AlertMessages(AlertsProperties properties, String adminChatId, String instance) {
        this.properties = properties;
        this.adminChatId = adminChatId;
        this.instance = instance;
    }

    /** Telegram: HTML to caravan.telegram.admin-chat-id, queued for the gate. */
    public TelegramGateEndpoint.Outgoing telegram(@Body Alert alert) {
        StringBuilder html = new StringBuilder("⚠️ <b>").append(TelegramHtml.escape(title(alert))).append("</b>\n")
                .append(TelegramHtml.escape(shorten(Secrets.redact(alert.text()))));
        if (alert.runId() != null) {
            String page = properties.runPage(alert.runId());
            html.append('\n').append(page.startsWith("http")
                    ? "<a href=\"" + TelegramHtml.escapeAttribute(page) + "\">Run " + alert.runId() + " in the console</a>"
                    : TelegramHtml.escape("Console: " + page));
        }
        if (alert.heldBack() > 0) {
            html.append("\n(+").append(alert.heldBack()).append(" more like this since ").append(since(alert)).append(", not sent)");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", TelegramHtml.truncate(html.toString(), TelegramHtml.TEXT_LIMIT));
        body.put("parse_mode", "HTML");
        body.put("disable_web_page_preview", true);
        return new TelegramGateEndpoint.Outgoing(adminChatId, "admin_alert", "sendMessage", body, null);
    }

    /** Slack: one mrkdwn text for the incoming webhook (the body camel-slack posts as {@code {"text": ...}}). */
    public String slack(@Body Alert alert) {
        StringBuilder text = new StringBuilder(alert.severity().equals("critical") ? ":rotating_light: *" : ":warning: *")
                .append(slackEscape(title(alert))).append("*\n")
                .append(slackEscape(shorten(Secrets.redact(alert.text()))));
        if (alert.runId() != null) {
            String page = properties.runPage(alert.runId());
            text.append('\n').append(page.startsWith("http")
                    ? "<" + page + "|Run " + alert.runId() + " in the console>" : "Console: " + slackEscape(page));
        }
        if (alert.heldBack() > 0) {
            text.append("\n_+").append(alert.heldBack()).append(" more like this since ").append(since(alert))
                    .append(", not sent_");
        }
        return text.toString();
    }

    /** E-mail: sets the Subject, From and To headers and returns the plain-text body. */
    public String email(@Body Alert alert, Exchange exchange) {
        exchange.getMessage().setHeader("From", properties.email().from());
        exchange.getMessage().setHeader("To", properties.email().recipients());
        exchange.getMessage().setHeader("Subject", "[caravan] " + title(alert)
                + (alert.heldBack() > 0 ? " (+" + alert.heldBack() + " more)" : ""));
        StringBuilder body = new StringBuilder();
        if (alert.job() != null) {
            body.append("Job:      ").append(alert.job()).append('\n');
        }
        if (alert.runId() != null) {
            body.append("Run:      ").append(alert.runId()).append('\n');
        }
        if (alert.eventType() != null) {
            body.append("Event:    ").append(alert.eventType()).append(' ').append(alert.eventId()).append('\n');
        }
        if (alert.error() != null) {
            body.append("Error:    ").append(Secrets.redact(alert.error())).append('\n');
        }
        if (alert.runId() != null) {
            body.append("Console:  ").append(properties.runPage(alert.runId())).append('\n');
        }
        if (body.length() > 0) {
            body.append('\n');
        }
        body.append(Secrets.redact(alert.text())).append('\n');
        if (alert.heldBack() > 0) {
            body.append('\n').append(alert.heldBack()).append(" more alerts like this since ").append(since(alert))
                    .append(" were not sent (caravan.alerts.repeat-after ").append(properties.repeatAfter()).append(").\n");
        }
        body.append("\n-- \nCaravan hub ").append(instance).append(", alert ").append(alert.key())
                .append(" (").append(alert.severity()).append(")\n");
        return body.toString();
    }

    /**
     * Plain text for a channel of your own (a route file, e.g. Teams over http:): the title, the alert's text, the
     * run's console page and the count held back, one per line.
     */
    public String text(@Body Alert alert) {
        StringBuilder text = new StringBuilder(title(alert)).append('\n').append(shorten(Secrets.redact(alert.text())));
        if (alert.runId() != null) {
            text.append('\n').append(properties.runPage(alert.runId()));
        }
        if (alert.heldBack() > 0) {
            text.append("\n+").append(alert.heldBack()).append(" more like this since ").append(since(alert)).append(", not sent");
        }
        return text.toString();
    }

    /** e.g. "job failed: metabase-vendors". */
    static String title(Alert alert) {
        String kind = alert.kind().replace('-', ' ');
        String subject = alert.subject();
        return subject == null || subject.equals(alert.kind()) ? kind : kind + ": " + subject;
    }

    private String since(Alert alert) {
        return TIME.format(alert.heldBackSince().atZone(properties.timeZone())) + " " + properties.timeZone().getId();
    }

    private static String shorten(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text;
    }

    /** Slack's mrkdwn: only &, < and > are control characters. */
    static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
