import Glibc

/// epoll and eventfd, bound at run time. The Glibc module map does not include
/// <sys/epoll.h> or <sys/eventfd.h> and this module may not add a C target, so the
/// symbols are looked up with dlsym once and called through C function pointers.
struct Epoll: Sendable {
    typealias CreateFunction = @convention(c) (Int32) -> Int32
    typealias ControlFunction = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    typealias WaitFunction = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias EventFDFunction = @convention(c) (UInt32, Int32) -> Int32

    static let input: UInt32 = 0x001
    static let output: UInt32 = 0x004
    static let error: UInt32 = 0x008
    static let hangUp: UInt32 = 0x010
    static let add: Int32 = 1
    static let delete: Int32 = 2
    static let modify: Int32 = 3
    static let closeOnExec: Int32 = 0o2000000

    // struct epoll_event is packed on x86_64 (12 bytes), naturally aligned elsewhere.
    #if arch(x86_64)
    static let eventSize = 12
    static let dataOffset = 4
    #else
    static let eventSize = 16
    static let dataOffset = 8
    #endif

    let create: CreateFunction
    let control: ControlFunction
    let wait: WaitFunction
    let eventFD: EventFDFunction

    static let shared: Result<Epoll, SocketError> = {
        let handle = dlopen(nil, RTLD_NOW)
        guard let c = dlsym(handle, "epoll_create1"), let m = dlsym(handle, "epoll_ctl"),
              let w = dlsym(handle, "epoll_wait"), let e = dlsym(handle, "eventfd")
        else { return .failure(.failed(operation: "find epoll in the C library", errno: 0, message: "dlsym failed")) }
        return .success(Epoll(
            create: unsafeBitCast(c, to: CreateFunction.self),
            control: unsafeBitCast(m, to: ControlFunction.self),
            wait: unsafeBitCast(w, to: WaitFunction.self),
            eventFD: unsafeBitCast(e, to: EventFDFunction.self)
        ))
    }()

    /// Registers, changes or removes interest in `fd`, tagging its events with `token`.
    func control(_ epollFD: Int32, _ operation: Int32, _ fd: Int32, events: UInt32, token: UInt64) -> Int32 {
        withUnsafeTemporaryAllocation(byteCount: 16, alignment: 8) { raw in
            raw.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: token, toByteOffset: Self.dataOffset, as: UInt64.self)
            return control(epollFD, operation, fd, raw.baseAddress)
        }
    }
}
