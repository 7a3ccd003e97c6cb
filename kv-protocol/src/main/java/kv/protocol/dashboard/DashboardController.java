package kv.protocol.dashboard;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /dashboard/snapshot}: the sampler's latest {@link DashboardSnapshot}, never cached. */
@RestController
class DashboardController {

    private final DashboardSampler sampler;

    DashboardController(DashboardSampler sampler) {
        this.sampler = sampler;
    }

    @GetMapping(path = "/dashboard/snapshot", produces = "application/json")
    ResponseEntity<DashboardSnapshot> snapshot() {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(sampler.latest());
    }
}
