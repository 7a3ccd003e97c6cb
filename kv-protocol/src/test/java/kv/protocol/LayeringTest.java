package kv.protocol;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** kv-protocol is what the services share: its packages form no cycle and it knows no service. */
class LayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("kv.protocol");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("kv.protocol.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void dependsOnNoService() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("kv.server..", "kv.proxy..", "kv.client..")
                .check(CLASSES);
    }
}
