package kv.server;

import java.util.function.UnaryOperator;

import kv.server.store.KeyValueStore;
import org.springframework.beans.factory.config.BeanPostProcessor;

/** Puts a test's wrapper (a {@link kv.server.store.ForwardingStore}) around the server's store bean. */
final class WrappedStore {

    private WrappedStore() {
    }

    /** Declare as a static {@code @Bean} of a {@code @TestConfiguration}. */
    static BeanPostProcessor around(UnaryOperator<KeyValueStore> wrap) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof KeyValueStore store ? wrap.apply(store) : bean;
            }
        };
    }
}
