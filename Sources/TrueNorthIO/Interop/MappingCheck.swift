import TrueNorth

/// A mapping check: runs a model on input spikes and compares what it reports with an expected
/// output, e.g. a recording from the hardware or another simulator's output (`tnsim validate
/// --expect`).
public enum MappingCheck {
  /// Runs `model` through `Simulator.run` and compares the reported spikes with `expected`.
  /// - Parameters:
  ///   - input: input spikes (any format of `SpikeFormat.all`), or nil.
  ///   - ticks: ticks to run; nil = the ticks a RANC output text holds (N - 1 for N lines), else
  ///     until 16 ticks after the last input spike.
  ///   - recordAll: report every spike, not only those sent to output pins.
  ///   - expected: the expected output spikes (any format of `SpikeFormat.all`).
  /// - Returns: the run's summary and the comparison.
  /// - Throws: `InputError` for an unreadable file, a spike to an unconfigured core, or neither
  ///   `ticks` nor `input` (field `ticks`: nothing says how long to run); `SimulationError` when
  ///   the model does not fit its chip.
  public static func run(model: Model, input: String?, ticks: Int64?, recordAll: Bool, expected: String) throws
    -> (RunSummary, SpikeDiff)
  {
    let (want, covered) = try SpikeDiff.read(expected)
    let ticks = ticks ?? covered.map(\.upperBound)
    let source = try input.map { p throws(InputError) in try SpikeFormat.openInput(p, chip: model.chip) }
    guard ticks != nil || source != nil else {
      throw InputError(file: expected, field: "ticks", allowed: "a number of ticks, or input spikes to run until they end",
        message: "nothing says how long to run: give a number of ticks, or input spikes to run until they end")
    }
    let reported = MemorySpikeSink<OutputSpike>()
    let simulator = try Simulator(model: model, recordAll: recordAll)
    let summary = try simulator.run(ticks: ticks, inputFile: source, output: reported)
    return (summary, SpikeDiff.compare(expected: want, actual: reported.records, ticks: covered))
  }
}
