/// A hint to the processor to bring a cache line into its caches ahead of use. Swift has no
/// prefetch of its own; this declares LLVM's `llvm.prefetch` intrinsic, which the compiler
/// lowers to the processor's prefetch instruction (PREFETCHT0 on x86-64, PRFM on ARM64) in
/// optimised and debug builds alike. A prefetch never faults and changes no result: it only
/// lets the random loads of the tick (crossbar rows, routes, scheduler words) overlap with
/// the arithmetic of other cores (docs/benchmarks.md, "Prefetching").
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cache: Int32)

/// Prefetches the cache line of `address` for reading into every cache level.
@inline(__always)
func prefetch(_ address: UnsafeRawPointer) { llvmPrefetch(address, 0, 3, 1) }

/// Prefetches the cache line of `address` for writing into every cache level.
@inline(__always)
func prefetchForWrite(_ address: UnsafeRawPointer) { llvmPrefetch(address, 1, 3, 1) }
