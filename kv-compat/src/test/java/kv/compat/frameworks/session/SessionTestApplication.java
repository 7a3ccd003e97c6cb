package kv.compat.frameworks.session;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small web application whose HTTP sessions Spring Session keeps in Redis, as users configure
 * it: Spring Boot's auto-configuration with {@code spring.session.data.redis.repository-type=default}
 * ({@code RedisSessionRepository}, one hash per session with an expiry). The scenarios point it at
 * Redis, kv-server or kv-proxy by {@code spring.data.redis.port} alone. Spring Security is on the
 * test class path (kv-server's and kv-proxy's Actuator use it) and would guard every page of this
 * application too; a session store's scenario has no users, so its auto-configuration is left out.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
public class SessionTestApplication {

    /** Stores, reads and ends a session's attributes; each answer starts with the session's id. */
    @RestController
    static class AttributeController {

        /** Stores {@code value} under {@code name}; {@code inactive} seconds, if given, is the session's own timeout. */
        @PostMapping("/attribute")
        String store(HttpSession session, @RequestParam String name, @RequestParam String value,
                     @RequestParam(required = false) Integer inactive) {
            if (inactive != null) {
                session.setMaxInactiveInterval(inactive);
            }
            session.setAttribute(name, value);
            return session.getId() + " " + value;
        }

        /** The attribute, or "(none)"; never creates a session. */
        @GetMapping("/attribute")
        String read(HttpServletRequest request, @RequestParam String name) {
            HttpSession session = request.getSession(false);
            if (session == null) {
                return "(no session) (none)";
            }
            Object value = session.getAttribute(name);
            return session.getId() + " " + (value == null ? "(none)" : value);
        }

        @PostMapping("/invalidate")
        String invalidate(HttpServletRequest request) {
            HttpSession session = request.getSession(false);
            if (session == null) {
                return "(no session)";
            }
            String id = session.getId();
            session.invalidate();
            return id;
        }
    }
}
