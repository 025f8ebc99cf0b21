import Foundation
import TeaLearning
import TrueNorthIO

// tnsim-fuzz: a seeded mutation fuzzer of every file reader (docs/robustness.md).
//
// The supervisor runs each format's cases in a worker process (this executable with --worker).
// The worker writes the index of the case it is about to run to a progress file; when the
// worker dies (a trap, or the memory limit) or stalls (a hang), the supervisor names that case,
// saves its file and restarts the worker after it. A case fails when it traps, hangs, takes over
// 1 s, raises peak memory over the budget, or gives an error that does not name the file.

let budgetBytes = 1 << 30
let caseSeconds = 1.0
let hangSeconds = 10.0

struct Settings {
  var cases = 10_000
  var seed: UInt64 = 1
  var formats: [String] = []
  var root = FileManager.default.currentDirectoryPath
  // Memory-backed when there is one: on a disk, writing each case's file costs milliseconds.
  var work = (FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()) + "tnsim-fuzz-\(getpid())"
  var failures = "out/fuzz-failures"
  var worker: String?
  var from = 0
  /// `--corpus [DIR]`: check the corpus of reproducers (default: `Tests/Corpus` under the root).
  var corpus: String?
}

func parse(_ args: [String]) -> Settings {
  var s = Settings()
  var i = 1
  func value() -> String {
    i += 1
    guard i < args.count else { fail("\(args[i - 1]) needs a value") }
    return args[i]
  }
  while i < args.count {
    switch args[i] {
    case "--cases": s.cases = Int(value()) ?? { fail("--cases: not a number") }()
    case "--seed": s.seed = UInt64(value()) ?? { fail("--seed: not a number") }()
    case "--formats": s.formats = value().split(separator: ",").map(String.init)
    case "--root": s.root = value()
    case "--work": s.work = value()
    case "--failures": s.failures = value()
    case "--worker": s.worker = value()
    case "--from": s.from = Int(value()) ?? 0
    case "--corpus":
      s.corpus = i + 1 < args.count && !args[i + 1].hasPrefix("--") ? value() : ""
    case "--help", "-h":
      emit("usage: tnsim-fuzz [--cases N] [--seed S] [--formats a,b,...] [--root REPO] [--failures DIR] | --corpus [DIR]")
      exit(0)
    default: fail("unknown argument \(args[i])")
    }
    i += 1
  }
  return s
}

/// Writes one line to standard output at once (unbuffered: a worker may die right after).
func emit(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data(("tnsim-fuzz: " + message + "\n").utf8))
  exit(2)
}

/// The bytes of case `index` of target `t` (number `f` in the table).
func caseBytes(_ t: FuzzTarget, format f: Int, seed: UInt64, index: Int) -> [UInt8] {
  var g = FuzzRandom(seed: seed, format: f, index: index)
  let base = t.seeds[g.below(t.seeds.count)]
  var b = Mutator.mutate(base, &g, limit: 2 * base.count + 1024)
  if t.fixDigest, g.below(2) == 0, b.count > 32 {
    b.removeLast(32)
    b += SHA256.hash(b)
  }
  return b
}

/// Writes a case's file with plain POSIX calls (FileManager.createFile syncs to disk, which
/// made every case take milliseconds of waiting).
func writeCase(_ bytes: [UInt8], to path: String) -> Bool {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  guard fd >= 0 else { return false }
  defer { close(fd) }
  return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
}

/// Peak resident memory of this process so far, in bytes.
func peakBytes() -> Int {
  var u = rusage()
  getrusage(RUSAGE_SELF.rawValue, &u)
  return u.ru_maxrss * 1024
}

/// True when `text` holds a byte a terminal would act on or show as garbage.
func hasRawBytes(_ text: String) -> Bool {
  text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F || $0 == "\u{FFFD}" || (0x80..<0xA0).contains($0.value) }
}

// MARK: - Worker

func runWorker(_ s: Settings, targets: [FuzzTarget], name: String) -> Int32 {
  guard let f = targets.firstIndex(where: { $0.name == name }) else { fail("unknown format \(name)") }
  let t = targets[f]
  // Address space beyond the budget makes a memory bomb fail at once instead of swapping.
  var limit = rlimit(rlim_cur: rlim_t(4 * budgetBytes + (1 << 30)), rlim_max: rlim_t.max)
  setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
  let path = s.work + "/case." + t.fileExtension
  let progress = open(s.work + "/progress", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  var errors = 0, accepted = 0, raw = 0, long = 0, slowest = 0.0
  for i in s.from..<s.cases {
    var text = Array(String(i).utf8) + [0x0A]
    _ = pwrite(progress, &text, text.count, 0)
    let bytes = caseBytes(t, format: f, seed: s.seed, index: i)
    guard writeCase(bytes, to: path) else { fail("\(path): cannot write") }
    let start = DispatchTime.now().uptimeNanoseconds
    var message: String?
    do {
      try t.read(path)
      accepted += 1
    } catch {
      errors += 1
      message = "\(error)"
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    slowest = max(slowest, seconds)
    var problem: String?
    if let m = message {
      if !m.contains(path) && !(t.companion.map { m.contains($0) } ?? false) { problem = "error without the file name: \(m.prefix(300))" }
      if hasRawBytes(m) { raw += 1 }
      if m.utf8.count > 400 { long += 1 }
    }
    if seconds > caseSeconds { problem = "took \(String(format: "%.2f", seconds)) s" }
    if peakBytes() > budgetBytes { problem = "peak memory \(peakBytes() >> 20) MiB, over the \(budgetBytes >> 20) MiB budget" }
    if let problem { emit("FAIL \(name) case \(i): \(problem)") }
    if peakBytes() > budgetBytes { return 3 }
  }
  emit("DONE \(name) \(s.cases - s.from) \(errors) \(accepted) \(raw) \(long) \(String(format: "%.3f", slowest))")
  return 0
}

// MARK: - Supervisor

struct Totals {
  var cases = 0, errors = 0, accepted = 0, raw = 0, long = 0, failures = 0
  var slowest = 0.0
}

func supervise(_ s: Settings, targets: [FuzzTarget]) -> Int32 {
  let names = s.formats.isEmpty ? targets.map(\.name).filter { !$0.hasPrefix("self-test") } : s.formats
  try? FileManager.default.createDirectory(atPath: s.work, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: s.work) }
  var failed = 0
  emit("tnsim-fuzz: seed \(s.seed), \(s.cases) cases per format, budget \(budgetBytes >> 20) MiB, \(caseSeconds) s per case")
  emit("| format | cases | clean errors | accepted | failures | raw bytes in message | messages over 400 bytes | slowest case (s) |")
  emit("|---|---:|---:|---:|---:|---:|---:|---:|")
  for name in names {
    guard let f = targets.firstIndex(where: { $0.name == name }) else { fail("unknown format \(name); known: \(targets.map(\.name).joined(separator: ","))") }
    var totals = Totals()
    var from = 0
    while from < s.cases {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
      p.arguments = ["--worker", name, "--from", String(from), "--cases", String(s.cases), "--seed", String(s.seed), "--root", s.root, "--work", s.work]
      let out = Pipe()
      p.standardOutput = out
      unlink(s.work + "/progress")
      do { try p.run() } catch { fail("cannot start a worker: \(error)") }
      // A watchdog: the same case in progress for hangSeconds is a hang.
      let pid = p.processIdentifier
      let work = s.work
      let watchdog = Thread {
        var last = "", since = Date()
        while kill(pid, 0) == 0 {
          Thread.sleep(forTimeInterval: 0.25)
          let now = (try? String(contentsOfFile: work + "/progress", encoding: .utf8)) ?? ""
          if now != last { (last, since) = (now, Date()) } else if Date().timeIntervalSince(since) > hangSeconds { kill(pid, SIGKILL) }
        }
      }
      watchdog.start()
      let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      p.waitUntilExit()
      for line in output.split(separator: "\n") {
        if line.hasPrefix("FAIL") {
          emit(String(line))
          totals.failures += 1
        } else if line.hasPrefix("DONE") {
          let v = line.split(separator: " ")
          totals.cases += Int(v[2]) ?? 0
          totals.errors += Int(v[3]) ?? 0
          totals.accepted += Int(v[4]) ?? 0
          totals.raw += Int(v[5]) ?? 0
          totals.long += Int(v[6]) ?? 0
          totals.slowest = max(totals.slowest, Double(v[7]) ?? 0)
        }
      }
      if p.terminationReason == .exit && p.terminationStatus == 0 { break }
      // The worker died or stopped at case `at`: name it, keep its file, go on after it.
      let at = Int(((try? String(contentsOfFile: s.work + "/progress", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? from
      let how = p.terminationReason == .uncaughtSignal ? "killed by signal \(p.terminationStatus) (a trap, the memory limit or the hang watchdog)" : "stopped with status \(p.terminationStatus)"
      let saved = s.failures + "/\(name)-seed\(s.seed)-case\(at).\(targets[f].fileExtension)"
      try? FileManager.default.createDirectory(atPath: s.failures, withIntermediateDirectories: true)
      let kept = FileManager.default.createFile(atPath: saved, contents: Data(caseBytes(targets[f], format: f, seed: s.seed, index: at)))
      emit("FAIL \(name) case \(at): worker \(how); " + (kept ? "file saved as \(saved)" : "its file could not be saved in \(s.failures)"))
      totals.failures += 1
      // Cases before `at` finished cleanly in the dead worker; they are counted as cases run.
      totals.cases += at - from + 1
      from = at + 1
    }
    failed += totals.failures
    emit("| \(name) | \(totals.cases) | \(totals.errors) | \(totals.accepted) | \(totals.failures) | \(totals.raw) | \(totals.long) | \(String(format: "%.3f", totals.slowest)) |")
  }
  emit(failed == 0 ? "tnsim-fuzz: no failures" : "tnsim-fuzz: \(failed) failing cases")
  return failed == 0 ? 0 : 1
}

let settings = parse(CommandLine.arguments)
let targets: [FuzzTarget]
do { targets = try FuzzTargets.all(root: settings.root) } catch { fail("\(error)") }
if let c = settings.corpus {
  exit(Corpus.check(folder: c.isEmpty ? Corpus.folder(root: settings.root) : c, targets: targets))
}
if let w = settings.worker {
  exit(runWorker(settings, targets: targets, name: w))
}
exit(supervise(settings, targets: targets))
