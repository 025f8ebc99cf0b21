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
    switch name {
    case "train": code = try trainAcrossRanks(try ParsedArguments(rest, options: trainCommand.options), world: world)
    case "run": code = try runBoardAcrossRanks(try ParsedArguments(rest, options: runCommand.options), world: world)
    case "bench": code = try benchAcrossRanks(try ParsedArguments(rest, options: benchCommand.options), world: world)
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
  guard let at = plugins.firstIndex(where: { $0 is TernGrad }), let tg = plugins[at] as? TernGrad else {
    throw CollectiveError(description: "tnsim train: --plugin: across \(world.size) ranks training needs --plugin terngrad:workers=\(world.size) (one worker per rank)")
  }
  guard tg.workers == world.size else {
    throw CollectiveError(description: "tnsim train: --plugin: terngrad:workers=\(tg.workers) needs \(tg.workers) ranks (one worker per rank); mpirun started \(world.size)")
  }
  let communicator = MPICommunicator(world: world)
  plugins[at] = TernGrad(communicator: communicator, scaler: tg.scaler, clip: tg.clip, floatBelow: tg.floatBelow, skipOutput: tg.skipOutput,
    granularity: tg.granularity, block: tg.block)
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
      dieForTests(rank: rank, event: event)
    }, writeFiles: rank == 0) }
  } catch var e as InputError where privateCopy != nil && e.file == privateCopy {
    e.file = args.string("checkpoint") ?? TrainingRun.defaultCheckpoint(for: output)
    throw e
  }
  let traffic = try world.allGather(trafficRecord(communicator))
  guard rank == 0 else { return 0 }
  var total = result
  total.checkpoint = args.string("checkpoint") ?? TrainingRun.defaultCheckpoint(for: output)
  total.communication = summedStatistics(traffic)
  printResult(total, options: o, output: output, json: json)
  if !json { for line in trafficLines(traffic) { print(line) } }
  return 0
}

/// `TNSIM_MPI_DIE=RANK:EPOCH` (for the fault tests): rank RANK exits with 3, without a word to
/// the others, once its epoch EPOCH is done (after rank 0 wrote that epoch's checkpoint).
func dieForTests(rank: Int, event: TrainingEvent) {
  guard case .epoch(let record, _) = event, let spec = ProcessInfo.processInfo.environment["TNSIM_MPI_DIE"] else { return }
  let parts = spec.split(separator: ":").compactMap { Int($0) }
  if parts.count == 2, parts[0] == rank, parts[1] == record.epoch { exit(3) }
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

func runBoardAcrossRanks(_ args: ParsedArguments, world: MPIWorld) throws -> Int32 {
  throw CollectiveError(description: "tnsim run: not yet across ranks")
}

func benchAcrossRanks(_ args: ParsedArguments, world: MPIWorld) throws -> Int32 {
  throw CollectiveError(description: "tnsim bench: not yet across ranks")
}

#else
/// Without the MPI engine (a build without `TNSIM_MPI=1`) every process runs alone.
@MainActor func runAcrossRanks(_ args: [String]) -> Int32? { nil }
#endif
