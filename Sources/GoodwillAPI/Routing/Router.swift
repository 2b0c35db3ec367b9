import HTTPServer

/// Matches a request's method and path segments to a route. Literal segments win over
/// parameters; a path that matches with another method is a 405 with `Allow`.
public struct Router: Sendable {
    public let routes: [Route]

    public init(routes: [Route]) { self.routes = routes }

    public enum Match {
        case found(Route, [String: String])
        case methodNotAllowed([String])
        case notFound
    }

    public func match(method: HTTPMethod, segments: [String]) -> Match {
        var allowed: [String] = []
        var best: (route: Route, parameters: [String: String], literals: Int)?
        for route in routes where route.segments.count == segments.count {
            var parameters: [String: String] = [:]
            var literals = 0
            var ok = true
            for (pattern, value) in zip(route.segments, segments) {
                switch pattern {
                case .literal(let l):
                    if l != value { ok = false } else { literals += 1 }
                case .parameter(let name):
                    parameters[name] = value
                }
                if !ok { break }
            }
            guard ok else { continue }
            guard route.method == method || (method == .head && route.method == .get) else {
                allowed.append(route.method.rawValue)
                continue
            }
            if best == nil || literals > best!.literals { best = (route, parameters, literals) }
        }
        if let best { return .found(best.route, best.parameters) }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(Array(Set(allowed)).sorted())
    }
}
