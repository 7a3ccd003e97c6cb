package kv.proxy.linearizability;

/**
 * The sequential specification one key is checked against: a Redis string key that SET
 * replaces, GET reads (null: no key) and INCR increments (from 0 when absent). A step says
 * whether an operation with the answer it got could have run on a state, and the state after it.
 */
final class RegisterModel {

    /** Not a legal step. */
    static final String ILLEGAL = new String("illegal");

    private RegisterModel() {
    }

    /** The state after {@code op} runs on {@code state}, or {@link #ILLEGAL} if its answer rules that out. */
    static String step(String state, Operation op) {
        boolean known = op.outcome() == Operation.Outcome.OK;
        return switch (op.kind()) {
            case SET -> op.argument();
            case GET -> !known || java.util.Objects.equals(state, op.result()) ? state : ILLEGAL;
            case INCR -> {
                Long current = asLong(state);
                if (current == null) {
                    // Redis answers "not an integer" and changes nothing: an OK INCR cannot have run here.
                    yield known ? ILLEGAL : state;
                }
                String next = Long.toString(current + 1);
                yield !known || next.equals(op.result()) ? next : ILLEGAL;
            }
        };
    }

    private static Long asLong(String state) {
        if (state == null) {
            return 0L;
        }
        try {
            return Long.parseLong(state);
        }
        catch (NumberFormatException e) {
            return null;
        }
    }
}
