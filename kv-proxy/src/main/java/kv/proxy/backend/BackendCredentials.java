package kv.proxy.backend;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The credentials the proxy logs in to its backends with when their addresses carry none
 * (Redis's {@code masteruser} / {@code masterauth} for a replica's primary, here for every backend):
 * {@code kv.proxy.backend-user} ({@code KV_PROXY_BACKEND_USER}) and {@code kv.proxy.backend-password}
 * ({@code KV_PROXY_BACKEND_PASSWORD}), which keeps the password out of the backends' list.
 *
 * @param backendUser the user; unset, {@code AUTH password} logs in as {@code default}
 * @param backendPassword the password; unset, no {@code AUTH} is sent
 */
record BackendCredentials(String backendUser, String backendPassword) {

    static BackendCredentials bind(Environment environment) {
        return Binder.get(environment).bindOrCreate("kv.proxy", Bindable.of(BackendCredentials.class));
    }

    @Override
    public String toString() {
        return "BackendCredentials[user=" + backendUser + ", password=" + (backendPassword == null ? "unset" : "******") + "]";
    }
}
