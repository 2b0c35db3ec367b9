import Foundation

extension Thread {
    /// Starts `body` on a new thread that `top -H` and perf show as `name` (at most 15 bytes reach
    /// the kernel): Foundation's Thread.name does not reach it on Linux; /proc/thread-self/comm
    /// does. The event loops, the signal thread and the API's own threads are started with it.
    public static func startNamed(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            try? name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            body()
        }
        thread.name = name
        thread.start()
    }
}
