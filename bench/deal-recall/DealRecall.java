// Launched by run.sh in Java's single-file source mode with the build's classes on the class path. The launcher lives
// here, not in src/test, because a second main class on the test class path stops `./mvnw spring-boot:test-run`
// (io.caravan.MainClassesTest guards that).
public class DealRecall {
    public static void main(String[] args) {
        io.caravan.amazon.dealrecall.DealRecallSim.report();
    }
}
