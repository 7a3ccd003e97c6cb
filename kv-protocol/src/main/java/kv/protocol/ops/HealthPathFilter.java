package kv.protocol.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

/**
 * Answers 404 for a health path that names no component, such as
 * {@code /actuator/health/nope/x}. Spring Boot 4.0's health endpoint fails such a path with
 * {@code IllegalStateException: 'contributor' must not be null} (a 500 and a stack trace in the
 * log) when a segment other than the last is missing, because it asserts the child it just
 * looked up exists before descending into it.
 *
 * <p>It walks the path as the endpoint does: an optional health group first, then one
 * contributor per segment from the registry down. A path it cannot follow to the end gets 404;
 * everything else goes on to the endpoint unchanged.
 */
final class HealthPathFilter extends OncePerRequestFilter {

    private final ObjectProvider<PathMappedEndpoints> endpoints;
    private final ObjectProvider<HealthContributorRegistry> registry;
    private final ObjectProvider<HealthEndpointGroups> groups;

    HealthPathFilter(ObjectProvider<PathMappedEndpoints> endpoints, ObjectProvider<HealthContributorRegistry> registry,
                     ObjectProvider<HealthEndpointGroups> groups) {
        this.endpoints = endpoints;
        this.registry = registry;
        this.groups = groups;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!names(request)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        chain.doFilter(request, response);
    }

    /** False only for a path under the health endpoint that leads to no component. */
    private boolean names(HttpServletRequest request) {
        PathMappedEndpoints mapped = endpoints.getIfAvailable();
        HealthContributorRegistry contributors = registry.getIfAvailable();
        if (mapped == null || contributors == null) {
            return true;
        }
        String health = mapped.getPath(EndpointId.of("health"));
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (health == null || !path.startsWith(health + "/")) {
            return true;
        }
        String[] segments = path.substring(health.length() + 1).split("/", -1);
        int first = 0;
        HealthEndpointGroups known = groups.getIfAvailable();
        if (known != null && known.get(segments[0]) != null) {
            first = 1; // a group's own path (/actuator/health/liveness/...)
        }
        HealthContributor current = null;
        HealthContributors level = contributors;
        for (int i = first; i < segments.length; i++) {
            if (level == null) {
                return false; // a segment below a component that has none
            }
            current = level.getContributor(UriUtils.decode(segments[i], StandardCharsets.UTF_8));
            if (current == null) {
                return false;
            }
            level = current instanceof HealthContributors children ? children : null;
        }
        return true;
    }
}
