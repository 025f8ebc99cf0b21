import Dispatch
#if os(Linux)
  import Glibc
#endif

/// The simulator's flat state: one allocation per field over all cores (struct of arrays), owned
/// by this one type so that unsafe pointers stay inside it. Core k's neuron j is at index
/// k * coreSize + j; its crossbar row i is at words (k * coreSize + i) * rowWords.
///
/// Neuron parameters (weights, leak, thresholds, reset, modes) are stored as parameter sets:
/// a core whose neurons all share their parameters (the usual case of generated and many
/// hand-made models) has one set, read by every neuron; any other core has one set per neuron.
/// Core k's neuron j uses set `parameterBase[k] + j * parameterStride(k)`. Only the potential
/// and the destination are stored per neuron whatever the core.
final class SimulatorStorage: @unchecked Sendable {
  // MARK: - Layout

  /// Axons and neurons of a core's layout: every core is laid out at full size (256 x 256)
  /// whatever the chip's core size, so that core k's neuron or axon j is at k << coreShift | j.
  static let coreSize = 256
  static let coreShift = 8
  /// Bits of a storage word.
  static let wordBits = 64
  /// 64-bit words of a 256-bit crossbar row or axon set.
  static let rowWords = coreSize / wordBits
  /// Axon types G, so weights per neuron and deterministic-synapse sets per core.
  static let axonTypeCount = 4
  /// Axon types per word (two bits each) and words of a core's axon types (one cache line).
  static let typesPerWord = wordBits / 2
  static let typeWords = coreSize / typesPerWord
  /// Slots of a core's axon scheduler: one per tick of the longest delay window (delays 1-15 and
  /// the current tick); a spike for tick t goes to slot t mod 16.
  static let slots = 16
  static let slotMask = slots - 1
  /// Lanes of the 32-bit neuron update (`SIMD8<Int32>`).
  static let lanes = 8
  /// Byte counts per 64-bit word (one per neuron): a bucket of 256 counts is `coreSize /
  /// countsPerWord` words, the counts of one row word `wordBits / countsPerWord` words.
  static let countsPerWord = 8

  let cores: Int
  let neurons: Int
  /// The index stride of a core: `coreSize`.
  var stride: Int { Self.coreSize }

  /// Row i of core k at words (k * coreSize + i) * rowWords, 64-byte aligned (two rows per cache line).
  let crossbar: UnsafeMutablePointer<UInt64>
  /// G_i in two bits: core k's 256 types in the `typeWords` words (one cache line) from k * 8.
  let axonTypes: UnsafeMutablePointer<UInt64>

  // Per neuron, at k * stride + j.
  /// V as Int32, or as Int16 in the first half of the core's slot for a `narrow` core (read it
  /// with `potential(core:neuron:)`).
  let potential: UnsafeMutablePointer<Int32>
  /// Where a spike goes, in one 32-bit word so that a spike costs one small memory access, laid
  /// out like a scheduled spike (`SpikeBuffer.pack`): the simulator index of the target core <<
  /// `routeTargetShift` | delay << `routeDelayShift` | axon. Words from `routeTagged` up are not
  /// axon routes: `noRoute` (no destination), or `routeTagged | pin`.
  let route: UnsafeMutablePointer<UInt32>

  // Per core.
  /// Index of the core's first parameter set.
  let parameterBase: UnsafeMutablePointer<Int32>
  /// Neurons whose synapses from type-G axons are deterministic: `rowWords` words at
  /// (k * axonTypeCount + G) * rowWords.
  let deterministic: UnsafeMutablePointer<UInt64>
  /// `slots` sets of active axons (`rowWords` words each) per core, slot-major: core k's set for
  /// `slot` at (slot * cores + k) * rowWords (`scheduled(core:slot:)`).
  let scheduler: UnsafeMutablePointer<UInt64>
  let rng: UnsafeMutablePointer<SplitMix64>
  /// Per core: bit 0 = some neuron has stochastic synapses; bit 1 = some neuron draws without
  /// input (stochastic leak or TM > 0); bit 2 = quiescent (last tick had no input and changed
  /// nothing, so a tick without input changes nothing); bit 3 = one parameter set for all neurons;
  /// bit 4 = `narrow` (potentials kept as Int16, SimulatorStorage+Narrow.swift).
  let coreFlags: UnsafeMutablePointer<UInt8>
  /// Per core: how the axon types' synapse counts are kept (`bucketPlan(weights:)`): bits 0-7 =
  /// the count bucket of each type (two bits each), bits 8-11 = types of weight 0 (skipped),
  /// bit 12 = `smallWeights`. Identity buckets and no flags for a core with one set per neuron.
  let bucketPlan: UnsafeMutablePointer<UInt16>
  /// Per core: the worker partition that runs it (set by the simulator), so that a spike can be
  /// sent to the partition of its target core.
  let partitionOf: UnsafeMutablePointer<Int32>
  /// `byteLanes` at 0..<256 and `bitIndices` at `bitIndicesOffset`..<512, as raw words for the hot loop.
  let tables: UnsafeMutablePointer<UInt64>

  // Per parameter set p. The sets grow while cores are loaded (`reserveParameterSets`), as a
  // core's set count is known only once the core is seen; they are not changed after loading,
  // and one thread loads, so the accesses need no run-time exclusivity check.
  /// s^G of set p at p * axonTypeCount + G (`weightIndex`).
  @exclusivity(unchecked) private(set) var weight: UnsafeMutablePointer<Int16>
  @exclusivity(unchecked) private(set) var leak: UnsafeMutablePointer<Int16>
  /// Stochastic leak, leak reversal, kappa and the reset mode (`resetShift`).
  @exclusivity(unchecked) private(set) var flags: UnsafeMutablePointer<UInt8>
  @exclusivity(unchecked) private(set) var stochasticSynapses: UnsafeMutablePointer<UInt8>
  @exclusivity(unchecked) private(set) var threshold: UnsafeMutablePointer<Int32>
  @exclusivity(unchecked) private(set) var negativeThreshold: UnsafeMutablePointer<Int32>
  @exclusivity(unchecked) private(set) var thresholdMask: UnsafeMutablePointer<Int32>
  @exclusivity(unchecked) private(set) var resetPotential: UnsafeMutablePointer<Int32>
  /// Parameter sets allocated.
  private(set) var parameterCapacity: Int

  let vMin: Int32
  let vMax: Int32

  static let stochasticLeakFlag: UInt8 = 1
  static let leakReversalFlag: UInt8 = 2
  static let kappaFlag: UInt8 = 4
  static let resetShift: UInt8 = 3  // two bits of reset mode

  static let hasStochasticSynapses: UInt8 = 1
  static let drawsWithoutInput: UInt8 = 2
  static let quiescent: UInt8 = 4
  static let uniform: UInt8 = 8

  /// `bucketPlan` bit: every weight of the core's one set is at most `smallWeightLimit` in
  /// magnitude, so that any sum of at most 254 of them fits 16 bits.
  static let smallWeights: UInt16 = 1 << 12
  static let smallWeightLimit = 128
  /// Bits of `bucketPlan`: the bucket of type G at bits 2G..<2G+2, the types of weight 0 from bit 8.
  static let bucketBits = 2
  static let skipShift: UInt16 = 8
  /// The plan of a core with one set per neuron: each type its own bucket, none skipped.
  static let identityPlan: UInt16 = 0b11_10_01_00

  /// The bucket plan of one parameter set's weights: types share a count bucket when their
  /// weights are equal (the bucket is the first type with that weight), and types of weight 0
  /// add nothing.
  static func bucketPlan(weights w: [Int32]) -> UInt16 {
    var plan: UInt16 = 0
    for g in 0..<axonTypeCount {
      if w[g] == 0 { plan |= 1 << (skipShift + UInt16(g)) }
      let b = (0...g).first { w[$0] == w[g] }!
      plan |= UInt16(b) << (bucketBits * g)
    }
    if w.allSatisfy({ $0.magnitude <= smallWeightLimit }) { plan |= smallWeights }
    return plan
  }

  /// Where a route's target core starts (as `SpikeBuffer.coreShift`).
  static let routeTargetShift: UInt32 = 12
  /// Where a route's delay starts (as `SpikeBuffer.slotShift`); the axon is the low 8 bits.
  static let routeDelayShift: UInt32 = 8
  /// Routes from here up are an output pin (`routeTagged | pin`) or `noRoute`.
  static let routeTagged: UInt32 = 0xF000_0000
  /// The route of a neuron without destination.
  static let noRoute: UInt32 = 0xFFFF_FFFF
  /// The most configured cores a simulator holds: every target core index must sit below the tags.
  static let maxCores = Int(routeTagged >> routeTargetShift)
  /// The most output pins a route can name.
  static let maxPins = Int(noRoute - routeTagged)

  static let hugePage = 2 << 20

  /// Bytes allocated for the state, counted as it is allocated.
  private(set) var bytes: Int

  /// Bytes of one parameter set over its arrays.
  static let parameterSetBytes = axonTypeCount * MemoryLayout<Int16>.stride + MemoryLayout<Int16>.stride
    + 2 * MemoryLayout<UInt8>.stride + 4 * MemoryLayout<Int32>.stride

  /// Allocates the state of `cores` cores with room for `parameterSets` parameter sets (more are
  /// added by `reserveParameterSets`).
  init(cores: Int, parameterSets: Int, chip: ChipDefinition) {
    self.cores = cores
    neurons = chip.neuronsPerCore
    let n = cores * Self.coreSize
    var allocated = 0
    func zeroed<T: Sendable>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
      let count = max(count, 1)
      let bytes = count * MemoryLayout<T>.stride
      allocated += bytes
      // Large arrays on 2 MiB pages where the system offers them: the crossbar rows and routes are
      // read at random, and with 4 KiB pages nearly every such read would also miss the TLB.
      let huge = bytes >= Self.hugePage
      let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: huge ? Self.hugePage : 64)
      #if os(Linux)
        if huge { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
      #endif
      let p = raw.bindMemory(to: T.self, capacity: count)
      guard huge else {
        p.initialize(repeating: value, count: count)
        return p
      }
      // A page at a time on every processor: the first write of a page makes the system clear
      // it, which for board-16's 750 MiB is most of the time of this initializer.
      let perPage = Self.hugePage / MemoryLayout<T>.stride
      let pages = (count + perPage - 1) / perPage
      let shared = SendablePointer(p)
      DispatchQueue.concurrentPerform(iterations: pages) { page in
        let first = page * perPage
        (shared.pointer + first).initialize(repeating: value, count: min(perPage, count - first))
      }
      return p
    }
    crossbar = zeroed(n * Self.rowWords, 0)
    axonTypes = zeroed(cores * Self.typeWords, 0)
    potential = zeroed(n, 0)
    route = zeroed(n, Self.noRoute)
    parameterBase = zeroed(cores, 0)
    deterministic = zeroed(cores * Self.axonTypeCount * Self.rowWords, ~0)
    scheduler = zeroed(cores * Self.slots * Self.rowWords, 0)
    rng = zeroed(cores, SplitMix64(seed: 0))
    coreFlags = zeroed(cores, 0)
    bucketPlan = zeroed(cores, Self.identityPlan)
    partitionOf = zeroed(cores, 0)
    tables = zeroed(Self.bitIndicesOffset + Self.bitIndices.count, 0)
    for b in 0..<Self.byteLanes.count { tables[b] = Self.byteLanes[b] }
    for m in 0..<Self.bitIndices.count { tables[Self.bitIndicesOffset + m] = Self.bitIndices[m] }
    let sets = max(parameterSets, 1)
    weight = zeroed(sets * Self.axonTypeCount, 0)
    leak = zeroed(sets, 0)
    flags = zeroed(sets, 0)
    stochasticSynapses = zeroed(sets, 0)
    threshold = zeroed(sets, 1)
    negativeThreshold = zeroed(sets, 0)
    thresholdMask = zeroed(sets, 0)
    resetPotential = zeroed(sets, 0)
    parameterCapacity = sets
    bytes = allocated
    vMin = Int32(chip.potentialRange.lowerBound)
    vMax = Int32(chip.potentialRange.upperBound)
  }

  /// Makes room for at least `count` parameter sets, keeping the sets stored so far; new sets
  /// hold the quiet defaults. Called only while loading.
  func reserveParameterSets(_ count: Int) {
    guard count > parameterCapacity else { return }
    resizeParameterSets(max(count, parameterCapacity * 2))
  }

  /// Frees the room beyond the first `count` parameter sets (after loading, so that the state
  /// holds, and `bytes` counts, exactly the sets in use).
  func trimParameterSets(_ count: Int) {
    if max(count, 1) < parameterCapacity { resizeParameterSets(max(count, 1)) }
  }

  /// Reallocates the parameter sets to `new` sets, keeping the first min(new, capacity).
  private func resizeParameterSets(_ new: Int) {
    let old = parameterCapacity
    func grown<T>(_ p: UnsafeMutablePointer<T>, _ per: Int, _ value: T) -> UnsafeMutablePointer<T> {
      let q = UnsafeMutablePointer<T>.allocate(capacity: new * per)
      q.moveInitialize(from: p, count: min(old, new) * per)
      if new > old { (q + old * per).initialize(repeating: value, count: (new - old) * per) }
      p.deallocate()
      return q
    }
    weight = grown(weight, Self.axonTypeCount, 0)
    leak = grown(leak, 1, 0)
    flags = grown(flags, 1, 0)
    stochasticSynapses = grown(stochasticSynapses, 1, 0)
    threshold = grown(threshold, 1, 1)
    negativeThreshold = grown(negativeThreshold, 1, 0)
    thresholdMask = grown(thresholdMask, 1, 0)
    resetPotential = grown(resetPotential, 1, 0)
    bytes += (new - old) * Self.parameterSetBytes
    parameterCapacity = new
  }

  deinit {
    crossbar.deallocate(); axonTypes.deallocate(); potential.deallocate(); route.deallocate()
    parameterBase.deallocate(); deterministic.deallocate(); scheduler.deallocate(); rng.deallocate()
    coreFlags.deallocate(); bucketPlan.deallocate(); partitionOf.deallocate(); tables.deallocate()
    weight.deallocate(); leak.deallocate(); flags.deallocate(); stochasticSynapses.deallocate()
    threshold.deallocate(); negativeThreshold.deallocate(); thresholdMask.deallocate(); resetPotential.deallocate()
  }

  /// Whether every neuron of a core has the same parameters (potential and destination aside),
  /// so that the core needs one parameter set.
  static func isUniform(_ core: CoreConfig) -> Bool {
    guard let first = core.neurons.first else { return true }
    return core.neurons.allSatisfy { n in
      n.weights == first.weights && n.stochasticSynapses == first.stochasticSynapses && n.leak == first.leak
        && n.stochasticLeak == first.stochasticLeak && n.leakReversal == first.leakReversal
        && n.threshold == first.threshold && n.negativeThreshold == first.negativeThreshold
        && n.thresholdMaskBits == first.thresholdMaskBits && n.resetMode == first.resetMode
        && n.resetPotential == first.resetPotential && n.kappa == first.kappa
    }
  }

  /// Core `k`'s parameter set stride: 0 when all its neurons share one set, else 1.
  @inline(__always)
  func parameterStride(_ k: Int) -> Int { coreFlags[k] & Self.uniform != 0 ? 0 : 1 }
}

/// A growable buffer of packed spikes (`pack(core:slot:axon:)`) that one partition sends to
/// another in a tick. Plain storage: the simulator owns the buffers and frees them.
struct SpikeBuffer {
  /// A spike for `axon` of core `core` in scheduler slot `slot`: core << coreShift | slot << slotShift | axon.
  static let slotShift: UInt64 = 8
  static let coreShift: UInt64 = 12
  static let axonMask: UInt64 = 0xFF
  static let slotMask: UInt64 = 0xF

  @inline(__always)
  static func pack(core: Int, slot: UInt64, axon: UInt64) -> UInt64 {
    UInt64(core) << coreShift | slot << slotShift | axon
  }

  /// Spikes of the first allocation.
  static let initialCapacity = 1024

  var base: UnsafeMutablePointer<UInt64>? = nil
  var count = 0
  var capacity = 0

  @inline(__always)
  mutating func append(_ packed: UInt64) {
    if count == capacity { grow() }
    base.unsafelyUnwrapped[count] = packed
    count += 1
  }

  @inline(never)
  mutating func grow() {
    let bigger = max(Self.initialCapacity, capacity * 2)
    let b = UnsafeMutablePointer<UInt64>.allocate(capacity: bigger)
    if let base {
      b.update(from: base, count: count)
      base.deallocate()
    }
    (base, capacity) = (b, bigger)
  }

  func free() { base?.deallocate() }
}
