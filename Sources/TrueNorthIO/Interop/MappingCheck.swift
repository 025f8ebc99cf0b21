import TrueNorth

/// `tnsim validate --expect`: runs a model on input spikes and compares what it reports with an
/// expected output, e.g. a recording from the hardware or another simulator's output.
public enum MappingCheck {
  /// Runs `model` through `Simulator.run` and compares the reported spikes with `expected`.
  /// - Parameters:
  ///   - input: input spikes (any format `SpikeFiles.openInput` reads), or nil.
  ///   - ticks: ticks to run; nil = the ticks a RANC output text holds (N - 1 for N lines), else
  ///     until 16 ticks after the last input spike.
  ///   - recordAll: report every spike, not only those sent to output pins.
  ///   - expected: the expected output spikes (any format `SpikeFiles.openOutput` reads).
  /// - Returns: the run's summary and the comparison.
  /// - Throws: `InputError` for an unreadable file or a spike to an unconfigured core;
  ///   `SimulationError` when the model does not fit its chip.
  public static func run(model: Model, input: String?, ticks: Int64?, recordAll: Bool, expected: String) throws
    -> (RunSummary, SpikeDiff)
  {
    let (want, covered) = try SpikeDiff.read(expected)
    let ticks = ticks ?? covered.map(\.upperBound)
    let source = try input.map { p throws(InputError) in try SpikeFiles.openInput(p, chip: model.chip) }
    guard ticks != nil || source != nil else {
      throw InputError(file: "--ticks", message: "give --ticks N (or --input, to run until the input ends)")
    }
    let reported = MemorySpikeSink<OutputSpike>()
    let simulator = try Simulator(model: model, recordAll: recordAll)
    let summary = try simulator.run(ticks: ticks, inputFile: source, output: reported)
    return (summary, SpikeDiff.compare(expected: want, actual: reported.records, ticks: covered))
  }
}
