/// Counted events of a tick or a run, the inputs of the energy estimate.
public struct EventCounts: Sendable, Equatable {
  /// (active axon, synapse) pairs integrated.
  public var synapticEvents: Int64 = 0
  /// Neuron updates: every configured neuron, every tick.
  public var neuronUpdates: Int64 = 0
  /// Spikes fired (to axons and to output pins).
  public var spikes: Int64 = 0
  /// Router-to-router hops of the spikes sent to axons (a chip-border hop counts too).
  public var hops: Int64 = 0
  /// Hops over a chip-to-chip link.
  public var chipLinkCrossings: Int64 = 0
  /// Bits sent over chip-to-chip links: crossings x `chipLinkBitsPerSpike`.
  public var chipLinkBits: Int64 = 0
  /// Ticks the counts cover (for the static energy).
  public var ticks: Int64 = 0

  public init() {}

  /// Adds another count.
  public static func += (a: inout EventCounts, b: EventCounts) {
    a.synapticEvents += b.synapticEvents
    a.neuronUpdates += b.neuronUpdates
    a.spikes += b.spikes
    a.hops += b.hops
    a.chipLinkCrossings += b.chipLinkCrossings
    a.chipLinkBits += b.chipLinkBits
    a.ticks += b.ticks
  }
}

/// The energy estimate: counted events times the chip definition's coefficients, plus static
/// power over the elapsed real time (docs/routing-and-energy.md explains the model and its limits).
///
/// The published 26 pJ per synaptic event is a *total* figure (it already holds a share of the
/// static power), so `dynamicJoules` alone reproduces the published 65-72 mW at 20 Hz and 128
/// synapses; `totalJoules` adds the 42 mW idle proxy on top and is an upper estimate.
public struct EnergyEstimate: Sendable, Equatable {
  public var synapticJoules: Double
  public var neuronJoules: Double
  public var hopJoules: Double
  public var chipLinkJoules: Double
  /// Static power x chips x ticks x tick period.
  public var staticJoules: Double
  /// Real time the counts cover: ticks x tick period.
  public var seconds: Double

  /// Energy of the counted events.
  public var dynamicJoules: Double { synapticJoules + neuronJoules + hopJoules + chipLinkJoules }
  /// Dynamic plus static energy.
  public var totalJoules: Double { dynamicJoules + staticJoules }
  /// Mean power over the real time covered, in watts.
  public var totalWatts: Double { seconds > 0 ? totalJoules / seconds : 0 }
  public var dynamicWatts: Double { seconds > 0 ? dynamicJoules / seconds : 0 }

  /// The estimate for `counts` on `chip`.
  /// - Complexity: O(1).
  public init(_ counts: EventCounts, chip: ChipDefinition) {
    let e = chip.energy
    synapticJoules = Double(counts.synapticEvents) * e.synapticEventJoules
    neuronJoules = Double(counts.neuronUpdates) * e.neuronUpdateJoules
    hopJoules = Double(counts.hops) * e.spikeHopJoules
    chipLinkJoules = Double(counts.chipLinkBits) * e.chipLinkBitJoules
    seconds = Double(counts.ticks) * chip.tickSeconds
    staticJoules = e.staticWattsPerChip * Double(chip.chipCount) * seconds
  }
}
