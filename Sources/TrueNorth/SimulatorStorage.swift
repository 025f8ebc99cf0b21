/// The simulator's flat state: one allocation per field over all cores (struct of arrays), owned
/// by this one type so that unsafe pointers stay inside it. Core k's neuron j is at index
/// k * stride + j; its crossbar row i is at words (k * stride + i) * 4.
final class SimulatorStorage: @unchecked Sendable {
  let cores: Int
  let neurons: Int
  /// 256: every core is laid out at full size whatever the chip's core size.
  let stride = 256

  let crossbar: UnsafeMutablePointer<UInt64>
  let axonType: UnsafeMutablePointer<UInt8>
  /// Synapses on each crossbar row (the synaptic events one spike on that axon causes).
  let rowSynapses: UnsafeMutablePointer<UInt16>
  /// s^G_j at k * 1024 + G * 256 + j.
  let weight: UnsafeMutablePointer<Int32>
  /// Neurons whose synapses from type-G axons are deterministic: 4 words at (k * 4 + G) * 4.
  let deterministic: UnsafeMutablePointer<UInt64>
  let stochasticSynapses: UnsafeMutablePointer<UInt8>
  let leak: UnsafeMutablePointer<Int32>
  let flags: UnsafeMutablePointer<UInt8>
  let threshold: UnsafeMutablePointer<Int32>
  let negativeThreshold: UnsafeMutablePointer<Int32>
  let thresholdMask: UnsafeMutablePointer<Int32>
  let resetPotential: UnsafeMutablePointer<Int32>
  let potential: UnsafeMutablePointer<Int32>
  /// Simulator index of the target core; -1 = no destination, -2 = output pin (`destAxon` = pin).
  let destCore: UnsafeMutablePointer<Int32>
  let destAxon: UnsafeMutablePointer<Int32>
  let destDelay: UnsafeMutablePointer<UInt8>
  /// 16 slots x 4 words per core, at (k * 16 + slot) * 4.
  let scheduler: UnsafeMutablePointer<UInt64>
  let rng: UnsafeMutablePointer<SplitMix64>
  /// Per core: bit 0 = some neuron has stochastic synapses; bit 1 = some neuron draws without
  /// input (stochastic leak or TM > 0); bit 2 = quiescent (last tick had no input and changed
  /// nothing, so a tick without input changes nothing).
  let coreFlags: UnsafeMutablePointer<UInt8>
  let vMin: Int32
  let vMax: Int32

  static let stochasticLeakFlag: UInt8 = 1
  static let leakReversalFlag: UInt8 = 2
  static let kappaFlag: UInt8 = 4
  static let resetShift: UInt8 = 3  // two bits of reset mode

  static let hasStochasticSynapses: UInt8 = 1
  static let drawsWithoutInput: UInt8 = 2
  static let quiescent: UInt8 = 4

  /// Bytes allocated for the state, counted as it is allocated.
  let bytes: Int

  init(cores: Int, chip: ChipDefinition) {
    self.cores = cores
    neurons = chip.neuronsPerCore
    let n = cores * stride
    var allocated = 0
    func zeroed<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
      allocated += max(count, 1) * MemoryLayout<T>.stride
      let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
      p.initialize(repeating: value, count: max(count, 1))
      return p
    }
    crossbar = zeroed(n * 4, 0)
    axonType = zeroed(n, 0)
    rowSynapses = zeroed(n, 0)
    weight = zeroed(n * 4, 0)
    deterministic = zeroed(cores * 16, ~0)
    stochasticSynapses = zeroed(n, 0)
    leak = zeroed(n, 0)
    flags = zeroed(n, 0)
    threshold = zeroed(n, 1)
    negativeThreshold = zeroed(n, 0)
    thresholdMask = zeroed(n, 0)
    resetPotential = zeroed(n, 0)
    potential = zeroed(n, 0)
    destCore = zeroed(n, -1)
    destAxon = zeroed(n, 0)
    destDelay = zeroed(n, 1)
    scheduler = zeroed(cores * 64, 0)
    rng = zeroed(cores, SplitMix64(seed: 0))
    coreFlags = zeroed(cores, 0)
    bytes = allocated
    vMin = Int32(chip.potentialRange.lowerBound)
    vMax = Int32(chip.potentialRange.upperBound)
  }

  deinit {
    crossbar.deallocate(); axonType.deallocate(); rowSynapses.deallocate(); weight.deallocate(); deterministic.deallocate()
    stochasticSynapses.deallocate(); leak.deallocate(); flags.deallocate(); threshold.deallocate()
    negativeThreshold.deallocate(); thresholdMask.deallocate(); resetPotential.deallocate()
    potential.deallocate(); destCore.deallocate(); destAxon.deallocate(); destDelay.deallocate()
    scheduler.deallocate(); rng.deallocate(); coreFlags.deallocate()
  }
}
