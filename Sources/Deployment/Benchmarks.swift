import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// The deterministic generated workloads of `tnsim bench` (docs/benchmarks.md).
public enum Benchmark: String, CaseIterable, Sendable {
  /// A generated mnist-5core network (random connection probabilities, seed 1), 1 copy, 1 spf,
  /// 10,000 generated frames streamed back to back.
  case mnistStream = "mnist-stream"
  /// The same network, 64 copies (320 cores), 1 spf, 1,000 frames.
  case mnist64 = "mnist-64"
  /// One chip, 4,096 cores, about 20 Hz with 128 synapses per neuron, 1,000 ticks.
  case chip20hz = "chip-20hz"
  /// One chip, 4,096 cores, full crossbars at about 200 Hz, 100 ticks.
  case denseRandom = "dense-random"
  /// An NS16e board (65,536 cores) at the chip-20hz activity, 100 ticks.
  case board16 = "board-16"

  /// What one run of a workload measured.
  public struct Result: Sendable {
    /// The workload's name.
    public var name: String
    /// Worker threads used.
    public var threads: Int
    /// Cores configured.
    public var cores: Int
    /// Ticks simulated.
    public var ticks: Int64
    /// Frames streamed (MNIST workloads), else 0.
    public var frames: Int
    /// Synaptic events over the run.
    public var synapticEvents: Int64
    /// Spikes fired over the run.
    public var spikes: Int64
    /// Wall time of the simulation, seconds.
    public var wallSeconds: Double
    /// Bytes of simulator state.
    public var stateBytes: Int
    /// Peak resident memory of the process so far (getrusage), bytes.
    public var peakResidentBytes: Int
    /// Processor seconds (user and system, all threads) the process used over the simulation:
    /// on a shared machine a steadier figure than the wall time (0 when not measured).
    public var cpuSeconds: Double = 0

    /// Ticks per wall second.
    public var ticksPerSecond: Double { Double(ticks) / max(wallSeconds, 1e-9) }
    /// Synaptic events per wall second.
    public var synapticEventsPerSecond: Double { Double(synapticEvents) / max(wallSeconds, 1e-9) }
    /// Spikes per wall second.
    public var spikesPerSecond: Double { Double(spikes) / max(wallSeconds, 1e-9) }
    /// Wall nanoseconds per synaptic event.
    public var nsPerSynapticEvent: Double { synapticEvents > 0 ? wallSeconds * 1e9 / Double(synapticEvents) : 0 }
    /// Frames per wall second.
    public var framesPerSecond: Double { Double(frames) / max(wallSeconds, 1e-9) }

    /// One JSON object with every figure (rates to a fixed precision, as `tnsim bench --json` prints).
    public var json: String {
      var w = JSONTextWriter()
      w.beginObject()
      w.member("name", name)
      w.member("threads", threads)
      w.member("cores", cores)
      w.member("ticks", ticks)
      w.member("frames", frames)
      w.member("synapticEvents", synapticEvents)
      w.member("spikes", spikes)
      w.member("wallSeconds", wallSeconds, .decimals(4))
      w.member("ticksPerSecond", ticksPerSecond, .decimals(1))
      w.member("synapticEventsPerSecond", synapticEventsPerSecond, .significant(4))
      w.member("spikesPerSecond", spikesPerSecond, .significant(4))
      w.member("nsPerSynapticEvent", nsPerSynapticEvent, .decimals(3))
      w.member("framesPerSecond", framesPerSecond, .decimals(1))
      w.member("stateBytes", stateBytes)
      w.member("peakResidentBytes", peakResidentBytes)
      w.member("cpuSeconds", cpuSeconds, .decimals(4))
      w.endObject()
      return w.text
    }
  }

  /// The workload's prepared input: a model to run for some ticks, or a network to stream frames through.
  enum Prepared {
    /// A generated model, built a batch of cores at a time into the simulator, in parallel (never
    /// held whole: board-16's 65,536 cores as `CoreConfig` values would take about 1.8 GB).
    case model(Model.RandomCores, ticks: Int64)
    case frames(DeployedNetwork, ImageSet)
  }

  /// Builds the workload (not timed). `ticks` overrides the tick or frame count.
  func prepare(ticks: Int?) throws -> Prepared {
    switch self {
    case .mnistStream, .mnist64:
      let topology = try Topology.resolve("mnist-5core")
      let net = TrainedNetwork(network: ShadowNetwork(topology: topology, style: .pytruenorth, seed: 1), score: .sum, training: nil)
      var options = DeploymentOptions()
      options.copies = self == .mnistStream ? 1 : 64
      let deployed = try DeployedNetwork(net, chip: try ChipDefinition.resolve("truenorth"), options: options)
      let frames = ticks ?? (self == .mnistStream ? 10_000 : 1_000)
      // Generated frames: a fifth of the pixels lit at random intensities, like a handwritten digit.
      var rng = SplitMix64(seed: 42)
      var pixels = [Float](repeating: 0, count: frames * topology.inputSize)
      for i in pixels.indices where rng.next(below: 5) == 0 { pixels[i] = Float(rng.nextUnit()) }
      return .frames(deployed, ImageSet(pixels: pixels, labels: [UInt8](repeating: 0, count: frames), rows: 28, columns: 28))
    case .chip20hz, .denseRandom, .board16:
      var options = Model.RandomOptions()
      if self == .denseRandom {
        options.synapsesPerNeuron = 256
        options.rateHz = 200
      }
      let chip = try ChipDefinition.resolve(self == .board16 ? "ns16e" : "truenorth")
      return .model(Model.RandomCores(chip: chip, seed: 7, options: options), ticks: Int64(ticks ?? (self == .chip20hz ? 1_000 : 100)))
    }
  }

  /// Runs the workload with `threads` threads (0 = all processors).
  public func run(threads: Int, ticks: Int? = nil) throws -> Result {
    switch try prepare(ticks: ticks) {
    case .model(let cores, let n):
      // Built on the processors of the run: each core from its generator state, found first
      // (`Model.RandomCores.generatorStates`), so the state is the same for any thread count.
      let states = cores.generatorStates()
      let sim = try Simulator.buildingConcurrently(chip: cores.chip, seed: cores.seed, coreIDs: cores.coreIDs, threads: threads,
        core: { k in cores.core(id: k, generator: states[k]) })
      var input: (any SpikeSource<InputSpike>)? = nil
      let cpu = Self.cpuSeconds()
      let s = try sim.run(ticks: n, input: &input, output: nil)
      return Result(name: rawValue, threads: sim.threadCount, cores: sim.coreIDs.count, ticks: s.ticks, frames: 0,
        synapticEvents: s.statistics.synapticEvents, spikes: s.statistics.spikes, wallSeconds: s.wallSeconds,
        stateBytes: s.stateBytes, peakResidentBytes: Self.peakResident(), cpuSeconds: Self.cpuSeconds() - cpu)
    case .frames(let deployed, let images):
      let e = try deployed.evaluate(images: images, spf: 1, seed: 1, threads: threads)
      return Result(name: rawValue, threads: e.threads, cores: e.coresUsed, ticks: Int64(images.count + deployed.pipelineDepth),
        frames: images.count, synapticEvents: Int64((e.synapticEventsPerImage * Double(images.count)).rounded()),
        spikes: Int64((e.spikesPerImage * Double(images.count)).rounded()), wallSeconds: e.wallSeconds,
        stateBytes: e.stateBytes, peakResidentBytes: Self.peakResident())
    }
  }

  /// Processor seconds (user and system) the process has used so far, all threads.
  static func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }

  /// The process's peak resident set size in bytes.
  static func peakResident() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss) * 1024
  }
}
