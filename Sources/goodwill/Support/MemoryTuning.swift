import Glibc

/// glibc's malloc gives freed memory back to the kernel eagerly (madvise) and the next request
/// faults it in again: under load that churn cost the writer thread a fifth of its time. A
/// server keeps what it has used, up to `trimThreshold`, in at most `arenas` arenas. mallopt is not in Swift's Glibc module,
/// so it is looked up by name; without it nothing changes.
enum MemoryTuning {
    static func keepFreedMemory(trimThreshold: Int32 = 8 << 20, arenas: Int32 = 4) {
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(-1, trimThreshold)  // M_TRIM_THRESHOLD (malloc.h)
        // M_ARENA_MAX: glibc makes up to 8 arenas per core for a process's threads (event loops,
        // writer, syncer, dispatch workers); a few are enough and hold far less memory idle.
        _ = mallopt(-8, arenas)
    }
}
