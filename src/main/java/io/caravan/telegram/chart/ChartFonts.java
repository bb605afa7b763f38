package io.caravan.telegram.chart;

import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.font.TextAttribute;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.AttributedString;

/**
 * The bundled Noto fonts (src/main/resources/fonts, SIL OFL 1.1): the chart never depends on a font of the machine
 * it runs on. Noto Sans covers Latin and Turkish, Noto Sans Arabic covers Persian; Java2D does no fallback between
 * fonts it loaded itself, so mixed text (a Persian title with a Latin model name) is laid out run by run.
 */
final class ChartFonts {

    static final Font REGULAR = load("/fonts/NotoSans-Regular.ttf");
    static final Font BOLD = load("/fonts/NotoSans-Bold.ttf");
    static final Font ARABIC = load("/fonts/NotoSansArabic-Regular.ttf");

    private ChartFonts() {
    }

    /** {@code text} with each character in the first bundled font that has it (Noto Sans, else Noto Sans Arabic). */
    static AttributedString mixed(String text, Font latin, float size) {
        AttributedString result = new AttributedString(text.isEmpty() ? " " : text);
        Font first = latin.deriveFont(size);
        Font second = ARABIC.deriveFont(size);
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            result.addAttribute(TextAttribute.FONT, first.canDisplay(codePoint) || !second.canDisplay(codePoint) ? first : second, i, next);
            i = next;
        }
        return result;
    }

    private static Font load(String resource) {
        try (InputStream in = ChartFonts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Bundled font " + resource + " is missing from the class path");
            }
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (IOException e) {
            throw new UncheckedIOException("Bundled font " + resource + " could not be read", e);
        } catch (FontFormatException e) {
            throw new IllegalStateException("Bundled font " + resource + " is not a TrueType font", e);
        }
    }
}
