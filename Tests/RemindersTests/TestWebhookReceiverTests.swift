import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The receiver the webhook tests lean on. A stopped receiver whose thread was busy with a
/// connection once went back to `accept` on its closed descriptor, by then the next receiver's
/// listener (the same number), and answered that receiver's requests from its own script: a
/// redirect test saw "delivered" with nothing at its receiver.
@Suite struct TestWebhookReceiverTests {
    @Test func aStoppedReceiver_neverAnswersForTheOneAfterIt() throws {
        let first = try TestWebhookReceiver(answers: [(299, [:])])
        // Keep its thread inside a connection (half a request) while it is stopped.
        let busy = try openConnection(port: first.port)
        _ = "POST /x HTTP/1.1\r\n".withCString { Glibc.send(busy, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        Thread.sleep(forTimeInterval: 0.05)
        first.stop()
        let second = try TestWebhookReceiver(answers: [(200, [:])])
        defer { second.stop() }
        close(busy)  // the first's thread leaves the connection and looks for the next
        Thread.sleep(forTimeInterval: 0.05)
        var statuses: [Int] = []
        for _ in 0..<20 {
            var request = URLRequest(url: second.url)
            request.httpMethod = "POST"
            request.httpBody = Data("{}".utf8)
            statuses.append(try status(of: request))
        }
        #expect(statuses == Array(repeating: 200, count: 20))
        #expect(second.requests.count == 20)
    }

    private func openConnection(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        return fd
    }

    private func status(of request: URLRequest) throws -> Int {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var code = -1
        URLSession(configuration: .ephemeral).dataTask(with: request) { _, response, _ in
            code = (response as? HTTPURLResponse)?.statusCode ?? -1
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 10)
        return code
    }
}
