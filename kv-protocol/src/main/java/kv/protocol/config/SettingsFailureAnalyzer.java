package kv.protocol.config;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * A setting that fails its {@code @Validated} constraints stops a service's start-up with one
 * line per bad setting, which names it, its value and where the value came from, e.g.
 * {@code kv.server.port=70000: must be less than or equal to 65535 (from "kv.server.port" from property
 * source "commandLineArgs")} (a password's value masked, see {@link Secrets}), instead of Spring Boot's five-line block per error around a
 * {@code Bindable} dump.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class SettingsFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
        ConfigurationPropertyName prefix = cause.getValidationErrors().getName();
        List<String> lines = new ArrayList<>();
        for (ObjectError error : cause.getValidationErrors().getAllErrors()) {
            lines.add(line(prefix, error));
        }
        return new FailureAnalysis("Invalid setting" + (lines.size() > 1 ? "s" : "") + ": " + String.join("; ", lines),
                "Change the setting named above (application.yml, a --flag or its environment variable).", cause);
    }

    static String line(ConfigurationPropertyName prefix, ObjectError error) {
        Origin origin = Origin.from(error);
        String from = origin == null ? "" : " (from " + origin + ")";
        if (error instanceof FieldError field) {
            String name = prefix + "." + DataObjectPropertyName.toDashedForm(field.getField());
            return name + "=" + Secrets.shown(name, String.valueOf(field.getRejectedValue())) + ": " + field.getDefaultMessage() + from;
        }
        return prefix + ": " + error.getDefaultMessage() + from;
    }
}
