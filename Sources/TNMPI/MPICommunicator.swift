import TeaLearning

/// TernGrad's communicator between processes: one rank per process, over MPI_COMM_WORLD.
///
/// Each collective gathers every rank's contribution with one MPI all-gather (lengths, then
/// bytes) and combines them in rank order on every rank, exactly as `InProcessCommunicator`
/// does, so a run over R processes equals the in-process run with R workers bit for bit (an
/// MPI reduction could add in any order). Gradient messages travel as
/// `TernaryMessage.encoded()`; scalers as Float32 and metrics as Float64 bit patterns.
///
/// `statistics` counts this rank's traffic as the in-process communicator counts each rank's
/// (the encoded message, the scalers, the metrics); `world.traffic` counts what really went
/// through MPI, lengths included.
public final class MPICommunicator: GradientCommunicator {
  /// The process's MPI world.
  public let world: MPIWorld
  /// Ranks in the group: MPI_COMM_WORLD's size.
  public var workers: Int { world.size }
  /// This process's rank.
  public var localRanks: [Int] { [world.rank] }
  /// The bytes counted so far (this rank's).
  public private(set) var statistics = CommunicationStatistics(workers: 1)

  /// A communicator over `world`.
  public init(world: MPIWorld) { self.world = world }

  /// Every rank's bytes, in rank order, with an MPI failure worded as a `CommunicationError`.
  private func gather(_ bytes: [UInt8], _ operation: String) throws(CommunicationError) -> [[UInt8]] {
    do {
      return try world.allGather(bytes)
    } catch {
      throw CommunicationError(operation: operation, message: error.description)
    }
  }

  private func one<T>(_ local: [T], _ operation: String) throws(CommunicationError) -> T {
    guard local.count == 1 else {
      throw CommunicationError(operation: operation, message: "\(local.count) contributions for 1 local rank")
    }
    return local[0]
  }

  /// The element-wise maximum over the ranks' vectors, taken in rank order.
  /// - Throws: `CommunicationError` when the exchange fails or the ranks' lengths differ.
  public func allReduceMax(_ local: [[Float]]) throws(CommunicationError) -> [Float] {
    let mine = try one(local, "allReduceMax")
    let all = try gather(mine.flatMap { bytes(of: $0.bitPattern) }, "allReduceMax")
    var result: [Float] = []
    for (r, b) in all.enumerated() {
      guard b.count == 4 * mine.count else {
        throw CommunicationError(operation: "allReduceMax", message: "rank \(r) sent \(b.count / 4) scalers, rank \(world.rank) \(mine.count)")
      }
      let v = (0..<mine.count).map { Float(bitPattern: word32(b, $0)) }
      if r == 0 { result = v } else { for i in result.indices { result[i] = max(result[i], v[i]) } }
    }
    statistics.scalerBytesSent += 4 * mine.count
    statistics.bytesReceived += 4 * mine.count
    return result
  }

  /// The element-wise sum over the ranks' vectors, added in rank order.
  /// - Throws: `CommunicationError` when the exchange fails or the ranks' lengths differ.
  public func allReduceSum(_ local: [[Double]]) throws(CommunicationError) -> [Double] {
    let mine = try one(local, "allReduceSum")
    let all = try gather(mine.flatMap { bytes(of: $0.bitPattern) }, "allReduceSum")
    var result: [Double] = []
    for (r, b) in all.enumerated() {
      guard b.count == 8 * mine.count else {
        throw CommunicationError(operation: "allReduceSum", message: "rank \(r) sent \(b.count / 8) values, rank \(world.rank) \(mine.count)")
      }
      let v = (0..<mine.count).map { Double(bitPattern: UInt64(word32(b, 2 * $0)) | UInt64(word32(b, 2 * $0 + 1)) << 32) }
      if r == 0 { result = v } else { for i in result.indices { result[i] += v[i] } }
    }
    statistics.metricBytesSent += 8 * mine.count
    statistics.bytesReceived += 8 * mine.count
    return result
  }

  /// Every rank's message in rank order: this rank's as given, the others' decoded.
  /// - Throws: `CommunicationError` when the exchange fails or a message does not decode.
  public func allGather(_ local: [TernaryMessage]) throws(CommunicationError) -> [TernaryMessage] {
    let mine = try one(local, "allGather")
    let all = try gather(mine.encoded(), "allGather")
    var out: [TernaryMessage] = []
    for (r, b) in all.enumerated() {
      out.append(r == world.rank ? mine : try TernaryMessage(decoding: b, rank: r))
    }
    statistics.iterations += 1
    statistics.gradientBytesSent += mine.wireBytes
    statistics.bytesReceived += all.enumerated().reduce(0) { $0 + ($1.offset == world.rank ? 0 : $1.element.count) }
    statistics.float32Bytes += mine.float32Bytes
    return out
  }
}

/// The little-endian bytes of `v`.
func bytes<T: FixedWidthInteger>(of v: T) -> [UInt8] {
  (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
}

/// The little-endian UInt32 at word `i` of `b`.
func word32(_ b: [UInt8], _ i: Int) -> UInt32 {
  let at = 4 * i
  return UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
}
