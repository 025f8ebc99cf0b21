#if canImport(TNMPI)
import Foundation
import TNMPI
import TeaLearning
import TrueNorth
import TrueNorthIO

/// An error every rank meets at the same point with the same options (the options themselves,
/// their agreement): rank 0 says it and every rank exits with 1, without aborting the job.
struct CollectiveError: Error, CustomStringConvertible {
  var description: String
}

/// Runs `tnsim` as one rank of an MPI job when `mpirun` started it; nil otherwise (the command
/// line then runs as usual).
///
/// Every rank checks that all got the same arguments; then `train` runs TernGrad with one worker
/// per rank and `run` and `bench` split the board over the ranks (docs/mpi.md). An error on one
/// rank that the others cannot learn of ends the whole job (MPI_Abort), so no rank waits for it;
/// every wait is bounded by `TNSIM_MPI_TIMEOUT` seconds.
@MainActor func runAcrossRanks(_ args: [String]) -> Int32? {
  guard MPIWorld.launchedByMPI else { return nil }
  let world: MPIWorld
  do { world = try MPIWorld.start() } catch {
    printError("tnsim: \(error)")
    return 1
  }
  let name = args.first ?? ""
  let code: Int32
  do {
    try agreeOnArguments(args, world: world)
    let rest = Array(args.dropFirst())
    // The same arguments parse the same on every rank: a flag error is everyone's.
    func parsed(_ command: Command) throws -> ParsedArguments {
      do { return try ParsedArguments(rest, options: command.options) } catch {
        throw CollectiveError(description: "tnsim \(name): \(error)")
      }
    }
    switch name {
    case "train": code = try trainAcrossRanks(try parsed(trainCommand), world: world)
    case "run": code = try runBoardAcrossRanks(try parsed(runCommand), world: world)
    case "bench": code = try benchAcrossRanks(try parsed(benchCommand), world: world)
    default:
      throw CollectiveError(description: "tnsim \(name.isEmpty ? "without a command" : name) does not run across ranks; under mpirun use train, run or bench, or run it without mpirun")
    }
  } catch let error as CollectiveError {
    if world.rank == 0 { printError(error.description) }
    world.finish()
    return 1
  } catch {
    failOnOneRank(name, error, world: world)
  }
  world.finish()
  return code
}

/// Says what went wrong on this rank and ends the job: rank 0 at once; another rank after a
/// moment, so that when rank 0 met the same error it speaks (and its abort ends this rank).
func failOnOneRank(_ name: String, _ error: any Error, world: MPIWorld) -> Never {
  let text: String
  switch error {
  case let e as InputError: text = e.description.replacingOccurrences(of: MNIST.folderAdvice, with: "give --data DIR")
  case let e as SimulationError: text = describe(e)
  case let e as PluginSpecError: text = "--plugin: \(e)"
  default: text = "\(error)"
  }
  if world.size > 1 && world.rank != 0 { Thread.sleep(forTimeInterval: 2) }
  printError("tnsim \(name)" + (world.size > 1 ? " (rank \(world.rank) of \(world.size))" : "") + ": " + text)
  world.abort(code: 1)
}

/// Every rank must run the same command with the same options: each sends its arguments, and
/// the first rank that differs from rank 0 is named.
func agreeOnArguments(_ args: [String], world: MPIWorld) throws {
  let all = try world.allGather(Array(args.joined(separator: "\u{0}").utf8))
  for (r, a) in all.enumerated() where a != all[0] {
    func words(_ b: [UInt8]) -> String { "tnsim " + String(decoding: b.map { $0 == 0 ? 32 : $0 }, as: UTF8.self) }
    throw CollectiveError(description: "tnsim: rank \(r) was started with other options than rank 0 (rank 0: '\(words(all[0]))'; rank \(r): '\(words(a))'); give every rank the same command line")
  }
}

/// `tnsim train` with one TernGrad worker per rank: rank 0 prints and writes the network and
/// the checkpoints; `--resume` hands rank 0's checkpoint to every rank.
func trainAcrossRanks(_ args: ParsedArguments, world: MPIWorld) throws -> Int32 {
  guard let output = args.string("output") else {
    throw CollectiveError(description: "tnsim train: --output: missing; give the network file to write, e.g. --output out/net.json")
  }
  let o: TrainingOptions
  var plugins: [any TrainingPlugin]
  do {
    o = try trainingOptions(args)
    plugins = try pluginFlag { try TrainingPlugins.make(for: o) }
  } catch {
    throw CollectiveError(description: "tnsim train: \(error)")
  }
  let communicator = MPICommunicator(world: world)
  if let at = plugins.firstIndex(where: { $0 is TernGrad }), let tg = plugins[at] as? TernGrad {
    guard tg.workers == world.size else {
      throw CollectiveError(description: "tnsim train: --plugin: terngrad:workers=\(tg.workers) needs \(tg.workers) ranks (one worker per rank); mpirun started \(world.size)")
    }
    plugins[at] = TernGrad(communicator: communicator, scaler: tg.scaler, clip: tg.clip, floatBelow: tg.floatBelow, skipOutput: tg.skipOutput,
      granularity: tg.granularity, block: tg.block)
  } else if let at = plugins.firstIndex(where: { $0 is GradientDropping }), let gd = plugins[at] as? GradientDropping {
    guard gd.workers == world.size else {
      throw CollectiveError(description: "tnsim train: --plugin: gdrop:workers=\(gd.workers) needs \(gd.workers) ranks (one worker per rank); mpirun started \(world.size)")
    }
    plugins[at] = GradientDropping(communicator: communicator, keep: gd.keep, momentum: gd.momentum)
  } else if world.size > 1 {
    throw CollectiveError(description: "tnsim train: --plugin: across \(world.size) ranks training needs --plugin terngrad:workers=\(world.size) or gdrop:workers=\(world.size) (one worker per rank)")
  }
  let rank = world.rank
  let resume = args.flag("resume")
  var checkpoint = args.string("checkpoint") ?? TrainingRun.defaultCheckpoint(for: output)
  var privateCopy: String? = nil
  defer { if let privateCopy { try? FileManager.default.removeItem(atPath: privateCopy) } }
  if resume {
    // Rank 0's checkpoint is everyone's, whether or not the ranks share a file system.
    let mine = rank == 0 ? ((try? readFile(checkpoint)) ?? []) : []
    let bytes = try world.broadcast(mine)
    guard !bytes.isEmpty else {
      throw CollectiveError(description: "tnsim train: \(checkpoint): rank 0 cannot read the checkpoint that --resume continues from")
    }
    if rank != 0 {
      let path = NSTemporaryDirectory() + "/tnsim-\(ProcessInfo.processInfo.processIdentifier)-rank\(rank).checkpoint"
      try writeFileAtomically(bytes, to: path)
      privateCopy = path
      checkpoint = path
    }
  }
  let json = args.flag("json")
  let bar = ProgressBar(label: "train", enabled: !json && rank == 0)
  let terminal = stderrIsTerminal
  let remaining = RemainingTime()
  let result: TrainingResult
  do {
    result = try pluginFlag { try TrainingRun.run(
    options: o, dataDirectory: try MNIST.locate(args.string("data")), output: output, checkpoint: checkpoint, resume: resume, plugins: plugins,
    progress: { event in
      if case .resumed(let done) = event { agreeOnEpoch(done, world: world) }
      guard !json, rank == 0 else { return }
      report(event, options: o, bar: bar, remaining: remaining, terminal: terminal)
      if case .epoch(let record, _) = event { faultForTests(rank: rank, at: record.epoch) }
    }, writeFiles: rank == 0) }
  } catch var e as InputError where privateCopy != nil && e.file == privateCopy {
    e.file = args.string("checkpoint") ?? TrainingRun.defaultCheckpoint(for: output)
    throw e
  }
  let traffic = try world.allGather(trafficRecord(communicator))
  guard rank == 0 else { return 0 }
  var total = result
  total.checkpoint = args.string("checkpoint") ?? TrainingRun.defaultCheckpoint(for: output)
  let ternGrad = plugins.contains { $0 is TernGrad || $0 is GradientDropping }
  total.communication = ternGrad ? summedStatistics(traffic) : nil
  printResult(total, options: o, output: output, json: json)
  if !json && ternGrad { for line in trafficLines(traffic) { print(line) } }
  return 0
}

/// `TNSIM_MPI_FAULT=die|hang:RANK:WHEN`, for the fault tests (docs/mpi.md): rank RANK exits
/// with 3 without a word to the others, or stops answering, at WHEN: after epoch WHEN of
/// `train` (once rank 0 wrote its checkpoint), before tick WHEN of `run`.
func faultForTests(rank: Int, at when: Int) {
  guard let spec = ProcessInfo.processInfo.environment["TNSIM_MPI_FAULT"] else { return }
  let parts = spec.split(separator: ":")
  guard parts.count == 3, Int(parts[1]) == rank, Int(parts[2]) == when else { return }
  if parts[0] == "die" { exit(3) }
  if parts[0] == "hang" { while true { Thread.sleep(forTimeInterval: 3600) } }
}

/// Every rank resumes after the same epoch, or the job ends.
func agreeOnEpoch(_ done: Int, world: MPIWorld) {
  do {
    let all = try world.allGather(int64Bytes(Int64(done)))
    for (r, b) in all.enumerated() where b != all[0] {
      throw CollectiveError(description: "--resume: rank \(r) resumes after another epoch than rank 0 (after \(done) on rank \(world.rank))")
    }
  } catch {
    failOnOneRank("train", error, world: world)
  }
}

/// This rank's counters as Int64 words: MPI calls, bytes sent and received through MPI; the
/// communicator's iterations, gradient, scaler and metric bytes sent, bytes received, and the
/// 32-bit equivalent.
func trafficRecord(_ c: MPICommunicator) -> [UInt8] {
  let s = c.statistics, t = c.world.traffic
  return [t.calls, t.bytesSent, t.bytesReceived, s.iterations, s.gradientBytesSent, s.scalerBytesSent, s.metricBytesSent, s.bytesReceived,
    s.float32Bytes].flatMap { int64Bytes(Int64($0)) }
}

func int64Bytes(_ v: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

func words64(_ b: [UInt8]) -> [Int] {
  stride(from: 0, to: b.count, by: 8).map { at in (0..<8).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
}

/// The ranks' communicator counters as one group's: bytes summed, iterations counted once.
func summedStatistics(_ records: [[UInt8]]) -> CommunicationStatistics {
  var s = CommunicationStatistics(workers: records.count)
  for w in records.map(words64) {
    s.iterations = w[3]
    s.gradientBytesSent += w[4]
    s.scalerBytesSent += w[5]
    s.metricBytesSent += w[6]
    s.bytesReceived += w[7]
    s.float32Bytes += w[8]
  }
  return s
}

/// One line per rank: what it really sent and received through MPI, per iteration, beside the
/// encoded message it sent and the 32-bit equivalent.
func trafficLines(_ records: [[UInt8]]) -> [String] {
  records.map(words64).enumerated().map { r, w in
    let iterations = max(w[3], 1)
    return String(
      format: "mpi: rank %d: %d bytes sent to other ranks, %d received, in %d MPI collectives; per iteration %.0f sent, %.0f received "
        + "(its encoded message and scalers %.0f bytes, as 32-bit floats %.0f)",
      r, w[1], w[2], w[0], Double(w[1]) / Double(iterations), Double(w[2]) / Double(iterations), Double(w[4] + w[5]) / Double(iterations),
      Double(w[8]) / Double(iterations))
  }
}

/// `tnsim run` with the board's chips spread over the ranks (`DistributedBoard`): every rank
/// reads the model and the input, rank 0 writes the output and prints the summary.
func runBoardAcrossRanks(_ args: ParsedArguments, world: MPIWorld) throws -> Int32 {
  for flag in ["fidelity", "report", "trace", "trace-output"] where args.string(flag) != nil {
    throw CollectiveError(description: "tnsim run: --\(flag): runs in one process; run it without mpirun")
  }
  if args.flag("strict") { throw CollectiveError(description: "tnsim run: --strict: runs in one process; run it without mpirun") }
  let path: String
  let record: String
  let ticks: Int64?
  let threads: Int
  let seed: UInt64?
  let format: SpikeFormat?
  do {
    path = try args.onePositional("MODEL file")
    record = args.string("record") ?? "pins"
    guard record == "all" || record == "pins" else {
      throw UsageError(flag: "record", value: record, allowed: "all, pins", message: "'\(record)' is not allowed; use all or pins")
    }
    ticks = try args.int("ticks", in: 0...Int(UInt32.max)).map(Int64.init)
    guard ticks != nil || args.string("input") != nil else { throw UsageError.needsTicks }
    threads = try args.int("threads", in: 1...1024) ?? 0
    seed = try args.uint64("seed")
    format = try outputFormat(args)
  } catch {
    throw CollectiveError(description: "tnsim run: \(error)")
  }
  let model = try loadModel(path, chipFlag: args.string("chip"))
  let board: DistributedBoard
  do {
    board = try DistributedBoard(model: model, world: world, seed: seed, threads: threads, recordAll: record == "all")
  } catch let e as BoardPartitionError {
    throw CollectiveError(description: "tnsim run: mpirun -np \(world.size): \(e)")
  } catch let e as SimulationError {
    throw CollectiveError(description: "tnsim run: " + describe(e))
  }
  let input = try args.string("input").map { p throws(InputError) in try SpikeFormat.openInput(p, chip: model.chip) }
  let output = world.rank == 0 ? try args.string("output").map { p throws(InputError) in try SpikeFormat.createOutput(p, format: format, model: model) } : nil
  try world.barrier()
  let start = DispatchTime.now().uptimeNanoseconds
  let mine: DistributedBoard.RankFigures
  do {
    mine = try board.run(ticks: ticks, input: input, output: output) { faultForTests(rank: world.rank, at: Int($0)) }
  } catch {
    output?.discard()
    throw error
  }
  let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  try output?.close()
  let all = try board.gather(mine)
  guard world.rank == 0 else { return 0 }
  let lines = boardLines(all, wall: wall, threads: board.simulator.threadCount, neuronsPerCore: model.chip.neuronsPerCore,
    output: args.string("output"))
  if args.flag("json") { print(boardJSON(all, wall: wall, threads: board.simulator.threadCount)) } else { for l in lines { print(l) } }
  return 0
}

/// `tnsim bench board-16` with the NS16e board spread over the ranks: the workload of
/// `tnsim bench board-16` (the same generated model and ticks), timed on every rank.
func benchAcrossRanks(_ args: ParsedArguments, world: MPIWorld) throws -> Int32 {
  guard args.positional == ["board-16"] else {
    throw CollectiveError(description: "tnsim bench: across ranks only board-16 runs (tnsim bench board-16 [--ticks N] [--threads 1|all])")
  }
  let ticks: Int
  let threads: Int
  do {
    ticks = try args.int("ticks", in: 1...1_000_000) ?? 100
    let t = args.string("threads") ?? "all"
    guard t == "1" || t == "all" else { throw UsageError(flag: "threads", value: t, allowed: "1, all", message: "'\(t)' is not allowed across ranks; use 1 or all") }
    threads = t == "1" ? 1 : 0
  } catch {
    throw CollectiveError(description: "tnsim bench: \(error)")
  }
  // The generated board: each rank builds only its own cores, each from its generator state
  // (never the whole model), on all its processors.
  let cores = Model.RandomCores(chip: try ChipDefinition.resolve("ns16e"), seed: 7)
  let states = cores.generatorStates()
  let board: DistributedBoard
  do {
    board = try DistributedBoard(chip: cores.chip, seed: cores.seed, coreIDs: cores.coreIDs, world: world, threads: threads,
      recordAll: false) { cores.core(id: $0, generator: states[$0]) }
  } catch let e as BoardPartitionError {
    throw CollectiveError(description: "tnsim bench: mpirun -np \(world.size): \(e)")
  }
  try world.barrier()
  let start = DispatchTime.now().uptimeNanoseconds
  let mine = try board.run(ticks: Int64(ticks), input: nil, output: nil)
  let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  let all = try board.gather(mine)
  guard world.rank == 0 else { return 0 }
  if args.flag("json") {
    print(boardJSON(all, wall: wall, threads: board.simulator.threadCount, name: "board-16"))
  } else {
    print("board-16 across \(world.size) rank\(world.size == 1 ? "" : "s")")
    for l in boardLines(all, wall: wall, threads: board.simulator.threadCount, neuronsPerCore: cores.chip.neuronsPerCore, output: nil) { print(l) }
  }
  return 0
}

/// The summary of a board run across ranks: totals, then the exchange, then a line per rank.
func boardLines(_ all: [DistributedBoard.RankFigures], wall: Double, threads: Int, neuronsPerCore: Int, output: String?) -> [String] {
  let ticks = max(all[0].ticks, 1)
  let cores = all.reduce(0) { $0 + $1.cores }
  func sum(_ f: (DistributedBoard.RankFigures) -> Int64) -> Int64 { all.reduce(0) { $0 + f($1) } }
  let crossing = sum(\.crossSpikes), sent = sum(\.bytesSent)
  var lines = [
    "ticks            \(all[0].ticks) on \(cores) cores (\(cores * neuronsPerCore) neurons), \(all.count) rank\(all.count == 1 ? "" : "s") x \(threads) thread\(threads == 1 ? "" : "s")",
    "spikes           \(sum(\.fired)) fired, \(sum(\.inputSpikes)) input, \(sum(\.reported)) reported\(output.map { " to " + $0 } ?? "")",
    "synaptic events  \(sum(\.synapticEvents))",
    String(format: "wall time        %.3f s: %.1f ticks/s", wall, Double(all[0].ticks) / max(wall, 1e-9)),
    String(format: "exchange         per tick %.0f spikes between ranks, %.0f bytes sent through MPI (all ranks); slowest rank %.3f ms computing, %.3f ms exchanging",
      Double(crossing) / Double(ticks), Double(sent) / Double(ticks), 1e3 * (all.map(\.computeSeconds).max() ?? 0) / Double(ticks),
      1e3 * (all.map(\.exchangeSeconds).max() ?? 0) / Double(ticks)),
  ]
  for (r, f) in all.enumerated() {
    lines.append(String(format: "rank %-3d         %d cores, %lld fired, %lld to other ranks, %lld bytes sent, %lld received; %.3f s computing, %.3f s exchanging (processor: %.3f s, %.3f s), %.1f MiB state",
      r, f.cores, f.fired, f.crossSpikes, f.bytesSent, f.bytesReceived, f.computeSeconds, f.exchangeSeconds, f.computeCPUSeconds,
      f.exchangeCPUSeconds, Double(f.stateBytes) / 1_048_576))
  }
  return lines
}

/// The same figures as one JSON object.
func boardJSON(_ all: [DistributedBoard.RankFigures], wall: Double, threads: Int, name: String? = nil) -> String {
  var w = JSONTextWriter()
  w.beginObject(.compact)
  if let name { w.member("name", name) }
  w.member("ranks", all.count)
  w.member("threads", threads)
  w.member("ticks", Int(all[0].ticks))
  w.member("wallSeconds", wall, .decimals(4))
  w.member("ticksPerSecond", Double(all[0].ticks) / max(wall, 1e-9), .decimals(1))
  w.member("spikes", Int(all.reduce(0) { $0 + $1.fired }))
  w.member("synapticEvents", Int(all.reduce(0) { $0 + $1.synapticEvents }))
  w.member("crossSpikes", Int(all.reduce(0) { $0 + $1.crossSpikes }))
  w.member("bytesSent", Int(all.reduce(0) { $0 + $1.bytesSent }))
  w.member("maxComputeSeconds", all.map(\.computeSeconds).max() ?? 0, .decimals(4))
  w.member("maxExchangeSeconds", all.map(\.exchangeSeconds).max() ?? 0, .decimals(4))
  w.member("maxComputeCPUSeconds", all.map(\.computeCPUSeconds).max() ?? 0, .decimals(4))
  w.member("maxExchangeCPUSeconds", all.map(\.exchangeCPUSeconds).max() ?? 0, .decimals(4))
  w.endObject()
  return w.text
}

#else
/// Without the MPI engine (a build without `TNSIM_MPI=1`) every process runs alone.
@MainActor func runAcrossRanks(_ args: [String]) -> Int32? { nil }
#endif
