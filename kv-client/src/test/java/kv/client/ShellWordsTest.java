package kv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import kv.client.shell.ShellWords;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void theAssignmentsFormIsFourWords() {
        assertThat(ShellWords.split("PUT Fname = Sayali")).containsExactly("PUT", "Fname", "=", "Sayali");
    }

    @Test
    void doubleQuotesKeepSpacesAndUnderstandEscapes() {
        assertThat(ShellWords.split("put k \"hello world\\n\" \"\\x41\"")).containsExactly("put", "k", "hello world\n",
                "A");
    }

    @Test
    void singleQuotesAreLiteral() {
        assertThat(ShellWords.split("put k 'a \\n b' ''")).containsExactly("put", "k", "a \\n b", "");
    }

    @Test
    void extraSpacesAndTabsSeparateWordsOnly() {
        assertThat(ShellWords.split("  get\t Fname  ")).containsExactly("get", "Fname");
    }

    @Test
    void anUnbalancedQuoteIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> ShellWords.split("put k \"open"));
        assertThatIllegalArgumentException().isThrownBy(() -> ShellWords.split("put k \"a\"b"));
    }
}
