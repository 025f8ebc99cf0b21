/// Why a simulation stopped: a value the caller turns into its own wording (the command line adds
/// file names and flags; the chip model knows neither).
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The model breaks a hardware constraint of its chip (the first violation).
  case modelDoesNotFit(Violation)
  /// An input spike that the chip cannot take: its core is not configured, its axon is out of
  /// range, or its tick is outside the scheduler's window. `index` counts the input spikes read
  /// before it (0 for the first).
  case rejectedInput(InputSpike, index: Int64, reason: String)
  /// A tick needed more cycles than its budget, in a run that treats that as an error.
  case deadlineMiss(DeadlineMiss)

  public var description: String {
    switch self {
    case .modelDoesNotFit(let v): return v.description
    case .rejectedInput(let s, _, let reason): return "spike to core \(s.core) axon \(s.axon) at tick \(s.tick): \(reason)"
    case .deadlineMiss(let miss): return miss.description
    }
  }
}
