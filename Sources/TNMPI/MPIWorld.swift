import Foundation
import TeaLearning
import _TNMPIShims

/// What went wrong in an MPI operation (`allgather`, `alltoallv`, ...): an error code of MPI, or a
/// wait that passed its deadline. The same value as a `GradientCommunicator`'s failure.
public typealias MPIError = CommunicationError

/// The bytes this rank exchanged through MPI: payload bytes destined to other ranks and bytes
/// received from them (a rank's own part of a collective is not counted), per kind of call.
public struct MPITraffic: Sendable, Equatable {
  /// Collective calls made.
  public var calls: Int = 0
  /// Bytes this rank's contributions put on the way to other ranks: an all-gather's
  /// contribution counts once per other rank, as a direct exchange sends it.
  public var bytesSent: Int = 0
  /// Bytes that arrived from other ranks.
  public var bytesReceived: Int = 0

  /// Empty counters.
  public init() {}
}

/// The process's place in MPI_COMM_WORLD: its rank, the rank count, and the collectives tnsim
/// uses, over bytes, each waited for with a deadline (`timeout`) so that a rank that died or
/// hangs ends the run with an error instead of a hang.
///
/// One value per process (`MPIWorld.start()`), used from one thread. Unsafe pointers stay in
/// this file: the collectives lend `[UInt8]` storage to the C shim for the call only.
public final class MPIWorld {
  /// This process's rank in MPI_COMM_WORLD.
  public let rank: Int
  /// Ranks in MPI_COMM_WORLD.
  public let size: Int
  /// Seconds any wait may take before it fails (`TNSIM_MPI_TIMEOUT`, default 120).
  public var timeout: Double
  /// What this rank sent and received so far.
  public private(set) var traffic = MPITraffic()

  private init(rank: Int, size: Int, timeout: Double) {
    self.rank = rank
    self.size = size
    self.timeout = timeout
  }

  /// Whether the process was started by `mpirun` (OpenMPI's or a PMIx launcher's variables are set).
  public static var launchedByMPI: Bool {
    let env = ProcessInfo.processInfo.environment
    return env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil || env["PMI_RANK"] != nil
  }

  /// Initialises MPI, once per process.
  /// - Throws: `MPIError` when MPI cannot start.
  public static func start() throws(MPIError) -> MPIWorld {
    let rc = tnmpi_init()
    guard rc == TNMPI_OK else { throw MPIError(operation: "MPI_Init", message: errorText(rc)) }
    let seconds = ProcessInfo.processInfo.environment["TNSIM_MPI_TIMEOUT"].flatMap(Double.init) ?? 120
    if tnmpi_rank() == 0 {
      tnmpi_say_on_termination("tnsim (rank 0): mpirun ended the job: another rank died or aborted (see its message or mpirun's)\n")
    }
    return MPIWorld(rank: Int(tnmpi_rank()), size: Int(tnmpi_size()), timeout: max(seconds, 0.001))
  }

  /// Ends MPI in this process (call once, on every rank, after the last collective).
  public func finish() { if tnmpi_active() != 0 { _ = tnmpi_finalize() } }

  /// Ends every rank of the job at once with exit code `code` (after a failure on this rank that
  /// the others cannot learn of through a collective).
  public func abort(code: Int32) -> Never {
    tnmpi_abort(code)
    exit(code)
  }

  static func errorText(_ rc: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    tnmpi_error_string(rc, &buffer, Int32(buffer.count))
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + " (MPI error \(rc))"
  }

  private func check(_ rc: Int32, _ operation: String) throws(MPIError) {
    if rc == TNMPI_OK { return }
    if rc == TNMPI_TIMEOUT {
      throw MPIError(operation: operation, message: String(format: "rank %d waited %.0f s for the other ranks (a rank died, hangs, or runs other options; TNSIM_MPI_TIMEOUT sets the limit)", rank, timeout))
    }
    throw MPIError(operation: operation, message: "rank \(rank): " + Self.errorText(rc))
  }

  /// Every rank's `bytes` (of any length), in rank order.
  /// - Complexity: two collectives: the lengths, then the bytes.
  /// - Throws: `MPIError` on an MPI error or a wait past the deadline.
  public func allGather(_ bytes: [UInt8]) throws(MPIError) -> [[UInt8]] {
    var length = Int32(bytes.count)
    var lengths = [Int32](repeating: 0, count: size)
    let rc1 = withUnsafeBytes(of: &length) { l in lengths.withUnsafeMutableBytes { tnmpi_allgather(l.baseAddress, 4, $0.baseAddress, timeout) } }
    try check(rc1, "allgather")
    let counts = lengths.map(Int.init)
    var displs = [Int32](repeating: 0, count: size)
    for r in 1..<max(size, 1) where r < size { displs[r] = displs[r - 1] + lengths[r - 1] }
    let total = counts.reduce(0, +)
    var all = [UInt8](repeating: 0, count: max(total, 1))
    let rc2 = bytes.withUnsafeBytes { s in
      all.withUnsafeMutableBytes { a in
        lengths.withUnsafeBufferPointer { c in displs.withUnsafeBufferPointer { d in
          tnmpi_allgatherv(s.baseAddress, length, a.baseAddress, c.baseAddress, d.baseAddress, timeout)
        } }
      }
    }
    try check(rc2, "allgatherv")
    traffic.calls += 2
    traffic.bytesSent += (4 + bytes.count) * (size - 1)
    traffic.bytesReceived += 4 * (size - 1) + total - bytes.count
    return (0..<size).map { r in Array(all[Int(displs[r])..<(Int(displs[r]) + counts[r])]) }
  }

  /// Sends `outgoing[r]` to rank r and returns what each rank sent to this one, in rank order.
  /// - Complexity: two collectives: the lengths (MPI_Alltoall), then the values (MPI_Alltoallv).
  /// - Throws: `MPIError` on an MPI error or a wait past the deadline.
  public func allToAll<T: FixedWidthInteger>(_ outgoing: [[T]]) throws(MPIError) -> [[T]] {
    precondition(outgoing.count == size, "one buffer per rank")
    let width = MemoryLayout<T>.stride
    let sendCounts = outgoing.map { Int32($0.count * width) }
    var receiveCounts = [Int32](repeating: 0, count: size)
    let rc1 = sendCounts.withUnsafeBufferPointer { s in receiveCounts.withUnsafeMutableBufferPointer { tnmpi_alltoall_int(s.baseAddress, $0.baseAddress, timeout) } }
    try check(rc1, "alltoall")
    var sendDispls = [Int32](repeating: 0, count: size), receiveDispls = [Int32](repeating: 0, count: size)
    for r in 1..<max(size, 1) where r < size {
      sendDispls[r] = sendDispls[r - 1] + sendCounts[r - 1]
      receiveDispls[r] = receiveDispls[r - 1] + receiveCounts[r - 1]
    }
    for r in 0..<size where receiveCounts[r] % Int32(width) != 0 {
      throw MPIError(operation: "alltoall", message: "rank \(r) sent \(receiveCounts[r]) bytes, not whole \(width)-byte values")
    }
    let send = outgoing.flatMap { $0 }
    let total = receiveCounts.reduce(0) { $0 + Int($1) }
    var receive = [T](repeating: 0, count: max(total / width, 1))
    let rc2 = send.withUnsafeBytes { s in
      receive.withUnsafeMutableBytes { r in
        sendCounts.withUnsafeBufferPointer { sc in sendDispls.withUnsafeBufferPointer { sd in
          receiveCounts.withUnsafeBufferPointer { rcs in receiveDispls.withUnsafeBufferPointer { rd in
            tnmpi_alltoallv(s.baseAddress, sc.baseAddress, sd.baseAddress, r.baseAddress, rcs.baseAddress, rd.baseAddress, timeout)
          } }
        } }
      }
    }
    try check(rc2, "alltoallv")
    traffic.calls += 2
    let own = Int(sendCounts[rank])
    traffic.bytesSent += 4 * (size - 1) + send.count * width - own
    traffic.bytesReceived += 4 * (size - 1) + total - own
    return (0..<size).map { r in
      let from = Int(receiveDispls[r]) / width
      return Array(receive[from..<(from + Int(receiveCounts[r]) / width)])
    }
  }

  /// Rank `root`'s `bytes` on every rank (the others' argument is ignored).
  /// - Throws: `MPIError` on an MPI error or a wait past the deadline.
  public func broadcast(_ bytes: [UInt8], root: Int = 0) throws(MPIError) -> [UInt8] {
    var length = Int64(bytes.count)
    let rc1 = withUnsafeMutableBytes(of: &length) { tnmpi_bcast($0.baseAddress, 8, Int32(root), timeout) }
    try check(rc1, "bcast")
    var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length))
    if length > 0 {
      let rc2 = buffer.withUnsafeMutableBytes { tnmpi_bcast($0.baseAddress, Int32(length), Int32(root), timeout) }
      try check(rc2, "bcast")
    }
    traffic.calls += 2
    if rank == root {
      traffic.bytesSent += (8 + Int(length)) * (size - 1)
    } else {
      traffic.bytesReceived += 8 + Int(length)
    }
    return buffer
  }

  /// Waits until every rank arrives.
  /// - Throws: `MPIError` on an MPI error or a wait past the deadline.
  public func barrier() throws(MPIError) {
    try check(tnmpi_barrier(timeout), "barrier")
    traffic.calls += 1
  }
}
