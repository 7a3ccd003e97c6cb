package kv.protocol.ops;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import kv.protocol.config.Secrets;

import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.security.autoconfigure.SecurityProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The Actuator of a kv service, locked down the way an open Redis port taught operators to
 * expect: {@code health}, {@code info}, {@code metrics} and {@code prometheus} are open (on
 * loopback, {@code server.address}), health shows its components and details only to an
 * authenticated caller, and any other endpoint an operator exposes ({@code env},
 * {@code configprops}, {@code heapdump}, {@code threaddump}, {@code loggers}, {@code shutdown})
 * needs HTTP basic authentication as the one Actuator user,
 * {@code spring.security.user.name}/{@code spring.security.user.password}. The live dashboard
 * ({@code /}, {@code /dashboard/**}) is open as metrics and prometheus are, and shows no more.
 *
 * <p>Design note: without a password set there is no user at all, so nothing can authenticate
 * (and Spring Boot does not generate and log one). Values shown by {@code env} and
 * {@code configprops} are masked ({@code show-values: never} in each service's
 * {@code application.yml}); if an operator shows them, {@link #maskSecrets()} still masks every
 * setting whose name says it holds a secret.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET) // none without an HTTP port (tests may run so)
@EnableConfigurationProperties(SecurityProperties.class)
public class ActuatorSecurityConfiguration {

    /** The role the Actuator user has; anything beyond the open endpoints needs it. */
    static final String ROLE = "ACTUATOR";

    /** Setting names that hold secrets, whatever their prefix ({@code kv.server.requirepass}, {@code tls-key-file-pass}...). */
    static final Pattern SECRET = Pattern.compile(
            "password|passwd|secret|credential|token|requirepass|private|vcap_services|sun\\.java\\.command"
                    + "|(^|[._-])(pass|key|keys|auth|masterauth)([._-]|$)",
            Pattern.CASE_INSENSITIVE);

    /** The dashboard's page, its JSON, its script and style, and the chart library's files. */
    static final String[] DASHBOARD = {"/", "/index.html", "/dashboard/**", "/webjars/uplot/**"};

    private static final Pattern ENCODED = Pattern.compile("^\\{[^}]+}.*");

    @Bean
    SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        // Error pages of requests already let through (a 404 of an open endpoint's path).
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(EndpointRequest.to("health", "info", "metrics", "prometheus")).permitAll()
                        // The live dashboard (kv.protocol.dashboard): it shows only what metrics and
                        // prometheus already show to anyone, so it is as open (docs/dashboard.md).
                        .requestMatchers(HttpMethod.GET, DASHBOARD).permitAll()
                        .anyRequest().hasRole(ROLE))
                .httpBasic(Customizer.withDefaults())
                // Basic credentials come with each request, never a session or cookie, so there is
                // no cross-site request to forge (shutdown and loggers are POSTs from scripts).
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable());
        return http.build();
    }

    /**
     * The Actuator user, if {@code spring.security.user.password} is set: a plain password, or
     * one encoded as Spring Security writes it ({@code {bcrypt}$2a$10$...}). Without it, no user.
     */
    @Bean
    UserDetailsService actuatorUsers(SecurityProperties properties, PasswordEncoder encoder) {
        SecurityProperties.User user = properties.getUser();
        if (user.isPasswordGenerated() || user.getPassword().isEmpty()) {
            return new InMemoryUserDetailsManager();
        }
        String password = user.getPassword();
        Set<String> roles = new LinkedHashSet<>(user.getRoles());
        roles.add(ROLE);
        return new InMemoryUserDetailsManager(User.withUsername(user.getName())
                .password(ENCODED.matcher(password).matches() ? password : encoder.encode(password))
                .roles(roles.toArray(String[]::new))
                .build());
    }

    /** Checks {@code {bcrypt}...}, {@code {pbkdf2}...} and the other encodings Spring Security names by their prefix. */
    /** Checks {@code {bcrypt}...}, {@code {pbkdf2}...} and the other encodings Spring Security names by their prefix. */
    @Bean
    PasswordEncoder actuatorPasswordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * Masks every setting whose name looks like a secret, and the password of any URL in a value
     * ({@code kv.proxy.backends=redis://user:pass@host:port}), even where values are shown.
     */
    @Bean
    SanitizingFunction maskSecrets() {
        return data -> {
            if (data.getKey() != null && SECRET.matcher(data.getKey()).find()) {
                return data.withValue(SanitizableData.SANITIZED_VALUE);
            }
            if (data.getValue() instanceof CharSequence text) {
                String shown = Secrets.maskUrlCredentials(text.toString());
                return shown.contentEquals(text) ? data : data.withValue(shown);
            }
            return data;
        };
    }

    @Bean
    HealthPathFilter healthPathFilter(ObjectProvider<PathMappedEndpoints> endpoints,
                                      ObjectProvider<HealthContributorRegistry> registry,
                                      ObjectProvider<HealthEndpointGroups> groups) {
        return new HealthPathFilter(endpoints, registry, groups);
    }

}
