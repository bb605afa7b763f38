package io.caravan.telegram.bot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProductRefTest {

    private static final String HOME = "www.amazon.com.tr";

    @Test
    void plainAsinIsOnTheHubsMarketplace() {
        assertThat(ProductRef.parse("B08N5WRWNW", HOME)).contains(new ProductRef("B08N5WRWNW", HOME));
        assertThat(ProductRef.parse("b08n5wrwnw", HOME)).contains(new ProductRef("B08N5WRWNW", HOME));
        assertThat(ProductRef.parse("605039070X", HOME)).as("ISBN-10 of a book").contains(new ProductRef("605039070X", HOME));
    }

    @Test
    void linkNamesTheMarketplaceByItsHost() {
        assertThat(ProductRef.parse("https://www.amazon.com.tr/Apple-AirPods/dp/B0BDHWDR12/ref=sr_1_1?keywords=airpods", HOME))
                .contains(new ProductRef("B0BDHWDR12", "www.amazon.com.tr"));
        assertThat(ProductRef.parse("https://www.amazon.de/gp/product/B07PGL2ZSL?th=1", HOME))
                .contains(new ProductRef("B07PGL2ZSL", "www.amazon.de"));
        assertThat(ProductRef.parse("amazon.co.uk/dp/B08N5WRWNW", HOME)).contains(new ProductRef("B08N5WRWNW", "www.amazon.co.uk"));
        assertThat(ProductRef.parse("http://smile.amazon.com/dp/b08n5wrwnw/", HOME)).contains(new ProductRef("B08N5WRWNW", "www.amazon.com"));
        assertThat(ProductRef.parse("https://m.amazon.fr/gp/aw/d/B08N5WRWNW", HOME)).contains(new ProductRef("B08N5WRWNW", "www.amazon.fr"));
        assertThat(ProductRef.parse("https://www.amazon.com.tr/dp/B0BDHWDR12#reviews", HOME)).contains(new ProductRef("B0BDHWDR12", "www.amazon.com.tr"));
    }

    @Test
    void rejectsWhatIsNoAmazonProduct() {
        assertThat(ProductRef.parse("HELLOWORLD", HOME)).isEmpty();
        assertThat(ProductRef.parse("B08N5WRWN", HOME)).as("nine characters").isEmpty();
        assertThat(ProductRef.parse("B08N5WRWNW1", HOME)).isEmpty();
        assertThat(ProductRef.parse("https://www.amazon.de.evil.example/dp/B08N5WRWNW", HOME)).as("look-alike host").isEmpty();
        assertThat(ProductRef.parse("https://www.example.com/dp/B08N5WRWNW", HOME)).isEmpty();
        assertThat(ProductRef.parse("https://www.amazon.com.tr/s?k=kulaklik", HOME)).as("a search, not a product").isEmpty();
        assertThat(ProductRef.parse("https://amzn.to/3xYz12", HOME)).as("short links need a request to resolve").isEmpty();
        assertThat(ProductRef.parse("ftp://www.amazon.de/dp/B08N5WRWNW", HOME)).isEmpty();
        assertThat(ProductRef.parse("https://www.amazon.de/dp/HELLOWORLD", HOME)).isEmpty();
        assertThat(ProductRef.parse("not a url at all", HOME)).isEmpty();
        assertThat(ProductRef.parse(" ", HOME)).isEmpty();
    }

    @Test
    void linkWithoutPartnerTag() {
        assertThat(new ProductRef("B07PGL2ZSL", "www.amazon.de").url()).isEqualTo("https://www.amazon.de/dp/B07PGL2ZSL");
    }
}
