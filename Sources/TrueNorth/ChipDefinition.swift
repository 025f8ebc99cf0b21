

/// A chip or board: the grid of cores, the size of a core, the bit widths of every neuron field,
/// and the costs the routing and energy models use. Loaded from a JSON file in `chipdefs/`
/// (documented in docs/chipdefs.md); every range check on a model comes from here.
public struct ChipDefinition: Sendable, Equatable {
  /// Short name, e.g. `truenorth`; models refer to a chip by it.
  public var name: String
  public var summary: String
  /// Chips in the board along x and y (1 x 1 for a single chip).
  public var chipsX: Int
  public var chipsY: Int
  /// Cores of one chip along x and y.
  public var coresPerChipX: Int
  public var coresPerChipY: Int
  public var axonsPerCore: Int
  public var neuronsPerCore: Int
  public var axonTypes: Int
  /// Largest axon delay in ticks (the smallest is 1).
  public var maxDelay: Int
  /// Real-time tick period in seconds (1 ms on TrueNorth).
  public var tickSeconds: Double
  /// Output pins a neuron can send to (pin numbers 0..<outputPins).
  public var outputPins: Int
  public var bits: Bits
  public var routing: Routing
  public var energy: Energy

  public init(name: String, summary: String, chipsX: Int, chipsY: Int, coresPerChipX: Int, coresPerChipY: Int, axonsPerCore: Int, neuronsPerCore: Int, axonTypes: Int, maxDelay: Int, tickSeconds: Double, outputPins: Int, bits: Bits, routing: Routing, energy: Energy) {
    self.name = name
    self.summary = summary
    self.chipsX = chipsX
    self.chipsY = chipsY
    self.coresPerChipX = coresPerChipX
    self.coresPerChipY = coresPerChipY
    self.axonsPerCore = axonsPerCore
    self.neuronsPerCore = neuronsPerCore
    self.axonTypes = axonTypes
    self.maxDelay = maxDelay
    self.tickSeconds = tickSeconds
    self.outputPins = outputPins
    self.bits = bits
    self.routing = routing
    self.energy = energy
  }

  /// Bit widths of the neuron and routing fields.
  public struct Bits: Sendable, Equatable {
    /// Synaptic weights s^G: sign + magnitude, e.g. 9 bits = -255...255.
    public var weight: Int
    /// Leak lambda: sign + magnitude.
    public var leak: Int
    /// Positive threshold alpha: unsigned.
    public var threshold: Int
    /// Negative threshold beta: unsigned.
    public var negativeThreshold: Int
    /// Reset potential R: sign + magnitude.
    public var resetPotential: Int
    /// Membrane potential V: two's complement; V saturates at its bounds.
    public var potential: Int
    /// Largest threshold-mask width TM.
    public var thresholdMask: Int
    /// Routing offsets dx, dy: sign + magnitude.
    public var offset: Int

    public init(weight: Int, leak: Int, threshold: Int, negativeThreshold: Int, resetPotential: Int, potential: Int, thresholdMask: Int, offset: Int) {
      self.weight = weight
      self.leak = leak
      self.threshold = threshold
      self.negativeThreshold = negativeThreshold
      self.resetPotential = resetPotential
      self.potential = potential
      self.thresholdMask = thresholdMask
      self.offset = offset
    }
  }

  /// Costs of the cycle-level routing model (modelled, not measured: see docs/chipdefs.md).
  public struct Routing: Sendable, Equatable {
    /// Modelled clock of routers and core controllers, in Hz.
    public var clockHz: Double
    public var routerCyclesPerHop: Int
    public var coreCyclesPerNeuron: Int
    public var coreCyclesPerSynapticEvent: Int
    /// Spikes per second one chip-to-chip link carries.
    public var chipLinkSpikesPerSecond: Double
    /// Bits per spike packet on a chip-to-chip link.
    public var chipLinkBitsPerSpike: Int

    public init(clockHz: Double, routerCyclesPerHop: Int, coreCyclesPerNeuron: Int, coreCyclesPerSynapticEvent: Int, chipLinkSpikesPerSecond: Double, chipLinkBitsPerSpike: Int) {
      self.clockHz = clockHz
      self.routerCyclesPerHop = routerCyclesPerHop
      self.coreCyclesPerNeuron = coreCyclesPerNeuron
      self.coreCyclesPerSynapticEvent = coreCyclesPerSynapticEvent
      self.chipLinkSpikesPerSecond = chipLinkSpikesPerSecond
      self.chipLinkBitsPerSpike = chipLinkBitsPerSpike
    }
  }

  /// Coefficients of the energy estimate.
  public struct Energy: Sendable, Equatable {
    public var synapticEventJoules: Double
    public var spikeHopJoules: Double
    public var chipLinkBitJoules: Double
    public var neuronUpdateJoules: Double
    /// Static (leakage and clock) power of one chip, in watts.
    public var staticWattsPerChip: Double

    public init(synapticEventJoules: Double, spikeHopJoules: Double, chipLinkBitJoules: Double, neuronUpdateJoules: Double, staticWattsPerChip: Double) {
      self.synapticEventJoules = synapticEventJoules
      self.spikeHopJoules = spikeHopJoules
      self.chipLinkBitJoules = chipLinkBitJoules
      self.neuronUpdateJoules = neuronUpdateJoules
      self.staticWattsPerChip = staticWattsPerChip
    }
  }

  // MARK: Derived geometry and ranges

  /// Cores along x over the whole board.
  public var width: Int { chipsX * coresPerChipX }
  /// Cores along y over the whole board.
  public var height: Int { chipsY * coresPerChipY }
  public var coreCount: Int { width * height }
  public var chipCount: Int { chipsX * chipsY }

  public var weightRange: ClosedRange<Int> { Self.signMagnitude(bits.weight) }
  public var leakRange: ClosedRange<Int> { Self.signMagnitude(bits.leak) }
  public var thresholdRange: ClosedRange<Int> { 0...((1 << bits.threshold) - 1) }
  public var negativeThresholdRange: ClosedRange<Int> { 0...((1 << bits.negativeThreshold) - 1) }
  public var resetPotentialRange: ClosedRange<Int> { Self.signMagnitude(bits.resetPotential) }
  public var potentialRange: ClosedRange<Int> { -(1 << (bits.potential - 1))...((1 << (bits.potential - 1)) - 1) }
  public var thresholdMaskRange: ClosedRange<Int> { 0...bits.thresholdMask }
  public var offsetRange: ClosedRange<Int> { Self.signMagnitude(bits.offset) }
  public var delayRange: ClosedRange<Int> { 1...maxDelay }

  static func signMagnitude(_ bits: Int) -> ClosedRange<Int> {
    let m = (1 << (bits - 1)) - 1
    return -m...m
  }

  /// The linear id of the core at (x, y): row-major, x fastest, over the whole board.
  public func coreID(x: Int, y: Int) -> Int { y * width + x }
  /// The (x, y) of a linear core id.
  public func coordinates(ofCore id: Int) -> (x: Int, y: Int) { (id % width, id / width) }
  /// The chip (cx, cy) that holds the core at (x, y).
  public func chip(x: Int, y: Int) -> (x: Int, y: Int) { (x / coresPerChipX, y / coresPerChipY) }
}
