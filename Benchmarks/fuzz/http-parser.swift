// libFuzzer target for HTTPRequestParser (Sources/HTTPServer), compiled together with the
// module's sources by Benchmarks/fuzz.sh so the internal parser is reachable.
//
// Besides "never crashes, never hangs", it checks one property on every input: feeding
// the bytes in one piece and feeding them split at fuzzer-chosen points must give the same
// requests and the same final outcome. A difference means the incremental bookkeeping
// (scan offsets, compaction, chunk states) depends on how TCP happened to cut the stream.

/// A small limit set so the fuzzer reaches every limit check with short inputs.
private let smallLimits = HTTPRequestParser.Limits(
    maxRequestLineBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 512)

private func summary(_ request: HTTPRequest) -> String {
    // Touch every derived accessor a handler would use.
    let segments = request.pathSegments.joined(separator: "|")
    let query = request.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    let headers = request.headers.map { "\($0.name):\($0.value)" }.joined(separator: "\n")
    return "\(request.method) \(request.target) \(request.version) \(request.keepAlive) [\(segments)] [\(query)] "
        + "[\(headers)] \(request.body.count):\(request.body.hashValue)"
}

/// Runs the parser over `pieces`, returning the requests and how it ended.
private func run(_ pieces: [ArraySlice<UInt8>], limits: HTTPRequestParser.Limits) -> (requests: [String], end: String) {
    var parser = HTTPRequestParser(limits: limits)
    var requests: [String] = []
    for piece in pieces {
        parser.append(piece)
        var guardCount = 0
        loop: while true {
            guardCount += 1
            if guardCount > 100_000 { fatalError("parser made no progress") }
            switch parser.next() {
            case .needMoreData: break loop
            case .continueExpected: continue
            case .request(let r): requests.append(summary(r))
            case .failure(let e): return (requests, "failure \(e.status.code)")
            }
        }
        if parser.bufferedCount > 2 * 1024 * 1024 { fatalError("parser buffered more than any limit allows") }
    }
    return (requests, "needMoreData")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let all = Array(UnsafeBufferPointer(start: data, count: size))
    // First byte: which limits, and where to cut the rest for the split run.
    let control = all[0]
    let bytes = all[1...]
    let limits = control & 0x80 != 0 ? smallLimits : HTTPRequestParser.Limits()

    let whole = run([bytes], limits: limits)

    // Split run: cut every `stride` bytes (1 = a byte at a time).
    let stride = Int(control & 0x0F) + 1
    var pieces: [ArraySlice<UInt8>] = []
    var i = bytes.startIndex
    while i < bytes.endIndex {
        let j = min(i + stride, bytes.endIndex)
        pieces.append(bytes[i..<j])
        i = j
    }
    let split = run(pieces, limits: limits)

    // Both runs must yield the same requests. The final outcome must match too, except that two
    // refusals may carry different statuses: while bytes trickle in, a size limit (413/414/431)
    // can fire before the malformed byte that the one-piece run reports as 400 has arrived.
    let bothRefused = whole.end.hasPrefix("failure") && split.end.hasPrefix("failure")
    if whole.requests != split.requests || (whole.end != split.end && !bothRefused) {
        fatalError("split feeding differs (stride \(stride)): whole=\(whole) split=\(split)")
    }
    return 0
}
