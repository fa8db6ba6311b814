package dev.switchboard.transport.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds a component-property annotation instance for a test: given values, else the defaults. */
final class Configs {
    private Configs() {
    }

    static <A> A of(Class<A> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (m.getName().equals("annotationType")) {
                return type;
            }
            return values.containsKey(m.getName()) ? values.get(m.getName()) : m.getDefaultValue();
        }));
    }
}
