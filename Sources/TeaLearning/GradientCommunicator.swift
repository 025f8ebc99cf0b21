import Foundation

/// What went wrong in a collective operation of a `GradientCommunicator`.
public struct CommunicationError: Error, CustomStringConvertible, Sendable, Equatable {
  /// Which operation failed (`allGather`, `decode`, ...).
  public var operation: String
  /// What was wrong.
  public var message: String

  /// An error from its parts.
  public init(operation: String, message: String) {
    self.operation = operation
    self.message = message
  }

  /// `operation: message`.
  public var description: String { "\(operation): \(message)" }
}

/// The collective operations data-parallel workers need, seen from one process.
///
/// A communicator connects `workers` ranks; this process hosts `localRanks` of them (all of them
/// for the in-process communicator, one for a communicator between processes). Every operation
/// is collective: each process calls it once, in the same order, with one contribution per local
/// rank (in `localRanks` order), and gets back the combined result. Results must not depend on
/// how ranks are spread over processes or threads: reductions combine the ranks in rank order.
///
/// A communicator counts the bytes its local ranks send and receive (`statistics`): what the
/// encoded contributions take on the wire, framing of the transport excluded.
public protocol GradientCommunicator: AnyObject {
  /// Ranks in the group.
  var workers: Int { get }
  /// The ranks this process hosts, ascending.
  var localRanks: [Int] { get }
  /// Element-wise maximum over every rank's `Float` vector (all of the same length).
  /// - Parameter local: one vector per local rank.
  /// - Throws: `CommunicationError` when the exchange fails.
  func allReduceMax(_ local: [[Float]]) throws(CommunicationError) -> [Float]
  /// Element-wise sum over every rank's `Double` vector, added in rank order.
  /// - Parameter local: one vector per local rank.
  /// - Throws: `CommunicationError` when the exchange fails.
  func allReduceSum(_ local: [[Double]]) throws(CommunicationError) -> [Double]
  /// Every rank's message, in rank order.
  /// - Parameter local: one message per local rank.
  /// - Throws: `CommunicationError` when the exchange fails.
  func allGather(_ local: [TernaryMessage]) throws(CommunicationError) -> [TernaryMessage]
  /// The bytes counted so far.
  var statistics: CommunicationStatistics { get }
}

/// The traffic of a communicator's local ranks.
public struct CommunicationStatistics: Sendable, Equatable, CustomStringConvertible {
  /// Local ranks whose traffic is counted.
  public var workers: Int = 0
  /// Gradient exchanges (`allGather` calls): training iterations.
  public var iterations: Int = 0
  /// Bytes of gradient messages sent, summed over the local ranks.
  public var gradientBytesSent: Int = 0
  /// Bytes of scalers sent for the shared maximum (`allReduceMax`).
  public var scalerBytesSent: Int = 0
  /// Bytes of other values sent (`allReduceSum`: the loss and correct count).
  public var metricBytesSent: Int = 0
  /// Bytes received by the local ranks, all kinds.
  public var bytesReceived: Int = 0
  /// What the same gradient messages would take as 32-bit floats.
  public var float32Bytes: Int = 0

  /// Empty statistics for `workers` local ranks.
  public init(workers: Int) { self.workers = workers }

  /// Gradient and scaler bytes one worker sends per iteration (on average).
  public var bytesPerIteration: Double {
    guard iterations > 0, workers > 0 else { return 0 }
    return Double(gradientBytesSent + scalerBytesSent) / Double(iterations * workers)
  }

  /// What one worker would send per iteration with 32-bit float gradients.
  public var float32BytesPerIteration: Double {
    guard iterations > 0, workers > 0 else { return 0 }
    return Double(float32Bytes) / Double(iterations * workers)
  }

  /// How many times fewer bytes than 32-bit gradients (0 before the first iteration).
  public var compression: Double {
    bytesPerIteration > 0 ? float32BytesPerIteration / bytesPerIteration : 0
  }

  /// One line: iterations, workers, bytes per worker per iteration against 32-bit floats, and the ratio.
  public var description: String {
    String(
      format: "%d iterations x %d workers: %.0f bytes sent per worker per iteration (gradients and scalers) vs %.0f as 32-bit floats, %.2fx fewer",
      iterations, workers, bytesPerIteration, float32BytesPerIteration, compression)
  }
}

/// The communicator of workers that are threads of one process: it hosts every rank, so each
/// collective operation just combines the contributions it is given.
public final class InProcessCommunicator: GradientCommunicator {
  /// Ranks in the group (all hosted here).
  public let workers: Int
  /// Every rank, `0..<workers`.
  public let localRanks: [Int]
  /// The bytes counted so far.
  public private(set) var statistics: CommunicationStatistics

  /// A communicator hosting all of `workers` ranks.
  public init(workers: Int) {
    precondition(workers >= 1, "at least one worker")
    self.workers = workers
    localRanks = Array(0..<workers)
    statistics = CommunicationStatistics(workers: workers)
  }

  /// The element-wise maximum over the ranks' vectors.
  /// - Throws: `CommunicationError` unless there is one vector per rank, all of one length.
  public func allReduceMax(_ local: [[Float]]) throws(CommunicationError) -> [Float] {
    try check(local.count, "allReduceMax")
    var result = local[0]
    for v in local.dropFirst() {
      guard v.count == result.count else { throw CommunicationError(operation: "allReduceMax", message: "vectors of different lengths") }
      for i in result.indices { result[i] = max(result[i], v[i]) }
    }
    let bytes = 4 * result.count
    statistics.scalerBytesSent += workers * bytes
    statistics.bytesReceived += workers * bytes
    return result
  }

  /// The element-wise sum over the ranks' vectors, added in rank order.
  /// - Throws: `CommunicationError` unless there is one vector per rank, all of one length.
  public func allReduceSum(_ local: [[Double]]) throws(CommunicationError) -> [Double] {
    try check(local.count, "allReduceSum")
    var result = local[0]
    for v in local.dropFirst() {
      guard v.count == result.count else { throw CommunicationError(operation: "allReduceSum", message: "vectors of different lengths") }
      for i in result.indices { result[i] += v[i] }
    }
    let bytes = 8 * result.count
    statistics.metricBytesSent += workers * bytes
    statistics.bytesReceived += workers * bytes
    return result
  }

  /// The ranks' messages in rank order.
  /// - Throws: `CommunicationError` unless there is one message per rank.
  public func allGather(_ local: [TernaryMessage]) throws(CommunicationError) -> [TernaryMessage] {
    try check(local.count, "allGather")
    let sizes = local.map(\.wireBytes)
    let total = sizes.reduce(0, +)
    statistics.iterations += 1
    statistics.gradientBytesSent += total
    // Each rank receives every other rank's message.
    statistics.bytesReceived += sizes.reduce(0) { $0 + (total - $1) }
    statistics.float32Bytes += local.reduce(0) { $0 + $1.float32Bytes }
    return local
  }

  private func check(_ count: Int, _ operation: String) throws(CommunicationError) {
    guard count == workers else {
      throw CommunicationError(operation: operation, message: "\(count) contributions for \(workers) local ranks")
    }
  }
}

/// One parameter tensor as a worker sends it.
public enum TensorPayload: Sendable, Equatable {
  /// Ternary values `scaler * code` with codes in {-1, 0, +1}, packed four to a byte
  /// (`TernaryMessage.pack`).
  case ternary(scaler: Float, count: Int, packed: [UInt8])
  /// Ternary values with one scaler per block of `block` adjacent columns of a row-major tensor
  /// of `columns` columns: element `i` is `scalers[(i % columns) / block] * code`. The scalers are
  /// the shared maximum every rank already holds from `allReduceMax`, so they do not travel: a
  /// decoded payload has none (`scalers` empty) until the receiver attaches the shared ones.
  case ternaryColumns(scalers: [Float], columns: Int, block: Int, count: Int, packed: [UInt8])
  /// Raw 32-bit floats (tensors too small to be worth ternarising).
  case float([Float])
  /// A sparse tensor of `count` elements (gradient dropping): `values[j]` at element
  /// `indices[j]`, every other element 0. Indices ascending.
  case sparse(count: Int, indices: [UInt32], values: [Float])

  /// Elements of the tensor.
  public var count: Int {
    switch self {
    case .ternary(_, let count, _): count
    case .ternaryColumns(_, _, _, let count, _): count
    case .float(let values): values.count
    case .sparse(let count, _, _): count
    }
  }

  /// Bytes of the payload on the wire: the scaler and 2 bits per element, or for
  /// `ternaryColumns` a word holding `columns` and `block` and 2 bits per element (its scalers
  /// are counted once, by `allReduceMax`), or 4 bytes per element; for `sparse` a word holding
  /// the number of entries and 8 bytes per entry (a 32-bit index and a 32-bit float).
  public var payloadBytes: Int {
    switch self {
    case .ternary(_, let count, _): 4 + (count + 3) / 4
    case .ternaryColumns(_, _, _, let count, _): 4 + (count + 3) / 4
    case .float(let values): 4 * values.count
    case .sparse(_, let indices, _): 4 + 8 * indices.count
    }
  }
}

/// A worker's gradient on the wire: its parameter tensors in order, each ternary or float.
///
/// Encoding (`encoded()`), little-endian: a UInt32 tensor count, then per tensor a UInt32 header
/// `count << 1 | ternary` followed by the payload: for a ternary tensor the Float32 scaler and
/// `ceil(count / 4)` bytes of codes, for a float tensor `count` Float32 values. A
/// `ternaryColumns` tensor sets bit 31 of the header and sends a UInt32 `columns << 16 | block`
/// and `ceil(count / 4)` bytes of codes (no scalers: they are the shared ones). A `sparse` tensor
/// sets bit 30 of the header (`count << 1 | 1 << 30`) and sends a UInt32 entry count `k`, `k`
/// UInt32 indices and `k` Float32 values.
public struct TernaryMessage: Sendable, Equatable {
  /// The sending rank.
  public var rank: Int
  /// The tensors, in the order both sides agree on.
  public var tensors: [TensorPayload]

  /// A message from its parts.
  public init(rank: Int, tensors: [TensorPayload]) {
    self.rank = rank
    self.tensors = tensors
  }

  /// Bytes of `encoded()`.
  public var wireBytes: Int { 4 + tensors.reduce(0) { $0 + 4 + $1.payloadBytes } }

  /// Bytes the same tensors take as 32-bit floats.
  public var float32Bytes: Int { tensors.reduce(0) { $0 + 4 * $1.count } }

  /// Packs codes in {-1, 0, +1} four to a byte: element `i` in bits `2 * (i % 4)` and up of byte
  /// `i / 4`, as 0 (zero), 1 (+1) or 2 (-1); unused trailing bits are 0.
  public static func pack(_ codes: [Int8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: (codes.count + 3) / 4)
    for (i, c) in codes.enumerated() {
      precondition(c >= -1 && c <= 1, "ternary code out of range")
      let bits: UInt8 = c == 0 ? 0 : (c > 0 ? 1 : 2)
      out[i >> 2] |= bits << UInt8(2 * (i & 3))
    }
    return out
  }

  /// The `count` codes `pack` packed.
  /// - Throws: `CommunicationError` for too few bytes or the unused code 3.
  public static func unpack(_ packed: [UInt8], count: Int) throws(CommunicationError) -> [Int8] {
    guard packed.count == (count + 3) / 4 else {
      throw CommunicationError(operation: "unpack", message: "\(packed.count) bytes for \(count) codes; expected \((count + 3) / 4)")
    }
    var out = [Int8](repeating: 0, count: count)
    for i in 0..<count {
      switch (packed[i >> 2] >> UInt8(2 * (i & 3))) & 3 {
      case 0: out[i] = 0
      case 1: out[i] = 1
      case 2: out[i] = -1
      default: throw CommunicationError(operation: "unpack", message: "code 3 at element \(i)")
      }
    }
    return out
  }

  /// The message as bytes (the format of the type's documentation).
  public func encoded() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(wireBytes)
    func put(_ v: UInt32) { for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) } }
    put(UInt32(tensors.count))
    for t in tensors {
      switch t {
      case .ternary(let scaler, let count, let packed):
        put(UInt32(count) << 1 | 1)
        put(scaler.bitPattern)
        out.append(contentsOf: packed)
      case .ternaryColumns(_, let columns, let block, let count, let packed):
        put(UInt32(count) << 1 | 1 | 1 << 31)
        put(UInt32(columns) << 16 | UInt32(block))
        out.append(contentsOf: packed)
      case .float(let values):
        put(UInt32(values.count) << 1)
        for v in values { put(v.bitPattern) }
      case .sparse(let count, let indices, let values):
        put(UInt32(count) << 1 | 1 << 30)
        put(UInt32(indices.count))
        for i in indices { put(i) }
        for v in values { put(v.bitPattern) }
      }
    }
    return out
  }

  /// Decodes `bytes` that rank `rank` sent.
  /// - Throws: `CommunicationError` for truncated or trailing bytes or a bad code.
  public init(decoding bytes: [UInt8], rank: Int) throws(CommunicationError) {
    var at = 0
    func get() throws(CommunicationError) -> UInt32 {
      guard at + 4 <= bytes.count else { throw CommunicationError(operation: "decode", message: "message from rank \(rank) truncated at byte \(at)") }
      let v = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
      at += 4
      return v
    }
    let n = Int(try get())
    var tensors: [TensorPayload] = []
    for _ in 0..<n {
      let header = try get()
      let count = Int((header & 0x7FFF_FFFF) >> 1)
      if header >> 30 == 1 {
        let sparseCount = Int((header & 0x3FFF_FFFF) >> 1)
        let k = Int(try get())
        guard k <= sparseCount, at + 8 * k <= bytes.count else {
          throw CommunicationError(operation: "decode", message: "message from rank \(rank): \(k) sparse entries for \(sparseCount) elements, or truncated at byte \(at)")
        }
        var indices = [UInt32](repeating: 0, count: k)
        for j in 0..<k { indices[j] = try get() }
        guard indices.allSatisfy({ Int($0) < sparseCount }), zip(indices, indices.dropFirst()).allSatisfy({ $0 < $1 }) else {
          throw CommunicationError(operation: "decode", message: "message from rank \(rank): sparse indices not ascending below \(sparseCount)")
        }
        var values = [Float](repeating: 0, count: k)
        for j in 0..<k { values[j] = Float(bitPattern: try get()) }
        tensors.append(.sparse(count: sparseCount, indices: indices, values: values))
      } else if header >> 31 == 1 {
        guard header & 1 == 1 else { throw CommunicationError(operation: "decode", message: "message from rank \(rank): column scalers on a float tensor") }
        let word = try get()
        let columns = Int(word >> 16), block = Int(word & 0xFFFF)
        guard columns > 0, block > 0, count % columns == 0 else {
          throw CommunicationError(operation: "decode", message: "message from rank \(rank): \(count) elements in \(columns) columns, blocks of \(block)")
        }
        let length = (count + 3) / 4
        guard at + length <= bytes.count else { throw CommunicationError(operation: "decode", message: "message from rank \(rank) truncated at byte \(at)") }
        let packed = Array(bytes[at..<(at + length)])
        _ = try TernaryMessage.unpack(packed, count: count)
        at += length
        tensors.append(.ternaryColumns(scalers: [], columns: columns, block: block, count: count, packed: packed))
      } else if header & 1 == 1 {
        let scaler = Float(bitPattern: try get())
        let length = (count + 3) / 4
        guard at + length <= bytes.count else { throw CommunicationError(operation: "decode", message: "message from rank \(rank) truncated at byte \(at)") }
        let packed = Array(bytes[at..<(at + length)])
        _ = try TernaryMessage.unpack(packed, count: count)
        at += length
        tensors.append(.ternary(scaler: scaler, count: count, packed: packed))
      } else {
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = Float(bitPattern: try get()) }
        tensors.append(.float(values))
      }
    }
    guard at == bytes.count else { throw CommunicationError(operation: "decode", message: "\(bytes.count - at) trailing bytes in the message from rank \(rank)") }
    self.init(rank: rank, tensors: tensors)
  }
}
