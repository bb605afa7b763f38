package io.caravan.routes;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/routes}: every route file, built-in or from the directory, its routes and their state. */
@RestController
@RequestMapping("/api/routes")
class RoutesController {

    private final RouteFiles files;

    RoutesController(RouteFiles files) {
        this.files = files;
    }

    @GetMapping
    List<RouteFile> list() {
        return files.all();
    }
}
