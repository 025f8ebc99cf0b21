import TrueNorth

extension Simulator {
  /// Runs the model over the spikes of an input file (or none), as `run(ticks:input:output:)`
  /// does, at cycle fidelity when `analysis` is given. A spike the chip refuses is reported with
  /// the file and line (or record) it came from. `afterTick` is called after every tick (e.g. to
  /// trace potentials), after the cycle model's own observer.
  /// - Throws: `InputError` for an unreadable input, a refused spike or an unwritable output;
  ///   `SimulationError.deadlineMiss` when `analysis.strict` and a tick missed its budget.
  public func run(
    ticks: Int64?, inputFile: (any SpikeFileSource<InputSpike>)?, output: (any SpikeSink<OutputSpike>)?,
    analysis: CycleRun? = nil, progress: ((Int64, Int64?) -> Void)? = nil, afterTick: ((Simulator) -> Void)? = nil
  ) throws -> RunSummary {
    var source: (any SpikeSource<InputSpike>)? = inputFile
    do {
      if let analysis {
        let observer = analysis.afterEachTick
        defer { analysis.afterEachTick = observer }
        if let afterTick {
          analysis.afterEachTick = { [unowned self] tick, spikes in
            observer?(tick, spikes)
            afterTick(self)
          }
        }
        return try runCycleFidelity(ticks: ticks, input: &source, output: output, analysis: analysis, progress: progress)
      }
      return try run(ticks: ticks, input: &source, output: output, progress: progress, afterTick: afterTick)
    } catch SimulationError.rejectedInput(let spike, _, let reason) {
      let location = (source as? any SpikeFileSource<InputSpike>)?.lastLocation
      throw InputError(file: inputFile?.path ?? "input", line: location?.line, path: location?.path,
        message: "spike to core \(spike.core) axon \(spike.axon): \(reason)")
    }
  }
}
