package io.caravan.console;

import io.hawt.springboot.EndpointPathResolver;
import io.hawt.springboot.HawtioEndpoint;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where the console may link to besides its own views. Hawtio is mounted only under profile {@code hawtio} (its
 * endpoint bean exists only when the endpoint is exposed), so the console shows its nav link only when this says so,
 * rather than offering a link that ends on a 404.
 */
@RestController
public class ConsoleLinks {

    private final ObjectProvider<HawtioEndpoint> hawtio;
    private final ObjectProvider<EndpointPathResolver> paths;

    public ConsoleLinks(ObjectProvider<HawtioEndpoint> hawtio, ObjectProvider<EndpointPathResolver> paths) {
        this.hawtio = hawtio;
        this.paths = paths;
    }

    /** {@code hawtio}: Hawtio's page (with the trailing slash its own links need), or null where it is not mounted. */
    @GetMapping("/api/console/links")
    public Map<String, String> links() {
        Map<String, String> links = new HashMap<>();
        EndpointPathResolver resolver = paths.getIfAvailable();
        if (hawtio.getIfAvailable() == null) {
            links.put("hawtio", null);
        } else {
            String path = resolver == null ? "/actuator/hawtio" : resolver.resolve("hawtio");
            links.put("hawtio", path.endsWith("/") ? path : path + "/");
        }
        return links;
    }
}
