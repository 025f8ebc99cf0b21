import Dispatch
import Foundation

/// The trainer's one parallel-for: the only place where work is shared across threads.
///
/// Callers split their work into units that each write only their own memory (or return their
/// own result) and sum in a fixed order afterwards, so results are bit-identical for every
/// thread count.
enum _Parallel {
  /// Calls `body(i)` for every `i` in `0..<n`: in order on the calling thread when `threads` is
  /// 1 (or there is at most one unit), else concurrently on all processors.
  static func forEach(_ n: Int, threads: Int, _ body: (Int) -> Void) {
    if threads == 1 || n <= 1 {
      for i in 0..<n { body(i) }
      return
    }
    // Every unit writes only its own memory (the callers' contract above), so sharing the
    // non-Sendable closure across the workers is safe.
    withoutActuallyEscaping(body) { escaping in
      nonisolated(unsafe) let work = escaping
      DispatchQueue.concurrentPerform(iterations: n) { work($0) }
    }
  }

  /// `[body(0), body(1), ..., body(n - 1)]`, computed as `forEach` runs the units.
  static func map<T>(_ n: Int, threads: Int, _ body: (Int) -> T) -> [T] {
    if threads == 1 || n <= 1 { return (0..<n).map(body) }
    let slots = _Slots<T>(count: n)
    forEach(n, threads: threads) { i in slots.set(i, body(i)) }
    return slots.values
  }
}

/// One result slot per unit of `_Parallel.map`, filled under a lock.
private final class _Slots<T>: @unchecked Sendable {
  private var slots: [T?]
  private let lock = NSLock()

  init(count: Int) { slots = [T?](repeating: nil, count: count) }

  func set(_ i: Int, _ value: T) {
    lock.lock()
    slots[i] = value
    lock.unlock()
  }

  /// The results in unit order; every slot must have been set.
  var values: [T] {
    lock.lock()
    defer { lock.unlock() }
    return slots.map { $0! }
  }
}
