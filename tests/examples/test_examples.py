#!/usr/bin/env python3
# The examples as a newcomer runs them: every failure is reported in words and
# exits non-zero (a missing input file, a missing plugin with the
# GST_PLUGIN_PATH hint, a missing API key, an error the service sends), and a
# recorded question gets its spoken answer written out with the model's words
# printed as one line.
#
# The translation and caption examples write the speech and valid SRT and
# WebVTT files, their cues on the speech they caption.
#
# Usage: test_examples.py GEMINI_CONVERSE VOICE_ASSISTANT VOICE_ASSISTANT_PY
#                         TRANSLATE_FILE_PY LIVE_CAPTIONS_PY
# (meson test sets GEMINI_LIVE_SERVER, GEMINI_LIVE_TEST_DATA, GST_PLUGIN_PATH).
import os
import re
import subprocess
import sys
import tempfile
import unittest
import wave

CONVERSE, ASSISTANT, ASSISTANT_PY, TRANSLATE_PY, CAPTIONS_PY = sys.argv[1:6]
del sys.argv[1:6]
QUESTION = os.path.join(os.environ["GEMINI_LIVE_TEST_DATA"], "question-16k.wav")
REPLY = "Paris is the capital of France, and it sits on the river Seine."
SCENARIO = ('{"turns": [{"transcript": "What is the capital of France?", "reply": "%s"},'
            ' {"reply": "%s"}]}' % (REPLY, REPLY))


def programs(output):
    """Each example with the arguments that answer one recorded question."""
    return {
        "gemini-converse": [CONVERSE, "--output", output],
        "voice-assistant": [ASSISTANT, "--output", output],
        # The system interpreter: python3-gi is a Debian package.
        "voice_assistant.py": ["/usr/bin/python3", ASSISTANT_PY, "--output", output],
    }


class LocalServer:
    def __init__(self, *args, scenario=SCENARIO):
        self.scenario = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        self.scenario.write(scenario)
        self.scenario.close()
        self.process = subprocess.Popen(
            [os.environ["GEMINI_LIVE_SERVER"], "--fast", "--scenario", self.scenario.name]
            + list(args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("listening on "), line
        self.endpoint = line.split()[-1]

    def stop(self):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        os.unlink(self.scenario.name)


def run(argv, env_changes=None, timeout=120):
    env = dict(os.environ, GEMINI_API_KEY="", GOOGLE_API_KEY="")
    env.update(env_changes or {})
    preload = os.environ.get("GEMINI_LIVE_CHILD_PRELOAD")
    if preload and argv[0] == "/usr/bin/python3":
        env["LD_PRELOAD"] = preload  # the sanitizer build's plugin in a plain interpreter
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)


class Examples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LocalServer()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.output = os.path.join(cls.tmp.name, "reply.wav")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def assert_failed_with(self, result, *words):
        where = "stdout:\n%s\nstderr:\n%s" % (result.stdout, result.stderr)
        self.assertNotEqual(result.returncode, 0, where)
        for word in words:
            self.assertIn(word, result.stderr, where)
        self.assertNotIn("CRITICAL", result.stderr, where)
        self.assertNotIn("Traceback", result.stderr, where)

    def test_missing_input_file_is_named(self):
        for name, argv in programs(self.output).items():
            with self.subTest(example=name):
                result = run(argv + ["--input", "/nonexistent/question.wav", "--endpoint",
                                     self.server.endpoint])
                self.assert_failed_with(result, "/nonexistent/question.wav")

    def test_missing_plugin_says_where_gstreamer_looks(self):
        with tempfile.TemporaryDirectory() as empty:
            isolated = {"GST_PLUGIN_PATH": empty,
                        "GST_REGISTRY": os.path.join(empty, "registry.bin")}
            for name, argv in programs(self.output).items():
                with self.subTest(example=name):
                    result = run(argv + ["--input", QUESTION, "--endpoint", self.server.endpoint],
                                 isolated)
                    self.assert_failed_with(result, 'no element "geminilive"', "GST_PLUGIN_PATH")

    def test_missing_api_key_is_the_bus_error(self):
        for name, argv in programs(self.output).items():
            with self.subTest(example=name):
                result = run(argv + ["--input", QUESTION, "--endpoint", self.server.endpoint])
                self.assert_failed_with(result, "API key", "GEMINI_API_KEY")

    def test_key_the_service_refuses_is_reported(self):
        keyed = LocalServer("--api-key", "the-only-key")
        try:
            for name, argv in programs(self.output).items():
                with self.subTest(example=name):
                    result = run(argv + ["--input", QUESTION, "--endpoint", keyed.endpoint,
                                         "--api-key", "another-key"])
                    self.assert_failed_with(result, "API key not valid")
        finally:
            keyed.stop()

    def test_answer_is_written_and_its_words_print_as_one_line(self):
        for name, argv in programs(self.output).items():
            with self.subTest(example=name):
                if os.path.exists(self.output):
                    os.unlink(self.output)
                result = run(argv + ["--input", QUESTION, "--endpoint", self.server.endpoint,
                                     "--api-key", "test-key"])
                where = "stdout:\n%s\nstderr:\n%s" % (result.stdout, result.stderr)
                self.assertEqual(result.returncode, 0, where)
                with wave.open(self.output) as reply:
                    seconds = reply.getnframes() / reply.getframerate()
                self.assertGreater(seconds, 2.0, where)
                lines = [line for line in result.stdout.splitlines() if "Paris" in line]
                self.assertEqual(len(lines), 1, where)
                self.assertTrue(lines[0].endswith(REPLY), where)


PYTHON = "/usr/bin/python3"  # python3-gi is a Debian package
SRT_TIME = r"(\d\d):(\d\d):(\d\d),(\d\d\d)"
VTT_TIME = r"(\d\d):(\d\d):(\d\d)\.(\d\d\d)"


def seconds(match, first):
    h, m, s, ms = (int(match.group(i)) for i in range(first, first + 4))
    return h * 3600 + m * 60 + s + ms / 1000


def parse_srt(text):
    """[(start, end, text)] of a SubRip file; fails on anything malformed."""
    cues = []
    for number, block in enumerate(text.strip().split("\n\n"), 1):
        lines = block.split("\n")
        assert lines[0] == str(number), "cue %d is numbered %r" % (number, lines[0])
        times = re.fullmatch(SRT_TIME + " --> " + SRT_TIME, lines[1])
        assert times, "cue %d has no SRT timing: %r" % (number, lines[1])
        assert len(lines) > 2 and all(lines[2:]), "cue %d has no text" % number
        cues.append((seconds(times, 1), seconds(times, 5), "\n".join(lines[2:])))
    return cues


def parse_webvtt(text):
    """[(start, end, text)] of a WebVTT file; fails on anything malformed."""
    blocks = text.strip().split("\n\n")
    assert blocks[0] == "WEBVTT", "no WEBVTT header: %r" % blocks[0]
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        times = re.fullmatch(VTT_TIME + " --> " + VTT_TIME, lines[0])
        assert times, "no WebVTT timing: %r" % lines[0]
        assert len(lines) > 1 and all(lines[1:]), "a cue without text"
        cues.append((seconds(times, 1), seconds(times, 5), "\n".join(lines[1:])))
    return cues


def speech_onset(path):
    """Seconds into a 16-bit mono WAV where its speech starts (-45 dBFS in 20 ms)."""
    with wave.open(path) as wav:
        rate = wav.getframerate()
        data = wav.readframes(wav.getnframes())
    window = rate // 50
    samples = memoryview(data).cast("h")
    for start in range(0, len(samples) - window, window):
        power = sum(v * v for v in samples[start:start + window]) / window
        if power > (32768 * 10 ** (-45 / 20)) ** 2:
            return start / rate
    raise AssertionError("no speech in " + path)


class TranslationAndCaptions(unittest.TestCase):
    """translate_file.py and live_captions.py against the local server."""

    @classmethod
    def setUpClass(cls):
        # The heard text is scripted; the translation is the server's own.
        cls.server = LocalServer(
            scenario='{"turns": [{"transcript": "What is the capital of France?"}]}')
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def run_ok(self, argv):
        result = run([PYTHON] + argv + ["--endpoint", self.server.endpoint,
                                        "--api-key", "test-key"])
        where = "stdout:\n%s\nstderr:\n%s" % (result.stdout, result.stderr)
        self.assertEqual(result.returncode, 0, where)
        self.assertNotIn("CRITICAL", result.stderr, where)
        return result, where

    def test_translation_is_written_as_speech_and_subtitles(self):
        wav, srt, vtt = self.path("de.wav"), self.path("de.srt"), self.path("de.vtt")
        result, where = self.run_ok([TRANSLATE_PY, "--input", QUESTION, "--to", "de",
                                     "--output", wav, "--srt", srt, "--vtt", vtt])
        with wave.open(wav) as reply:
            self.assertEqual(reply.getframerate(), 24000, where)
            self.assertGreater(reply.getnframes() / 24000, 1.5, where)
        with open(srt, encoding="utf-8") as f:
            cues = parse_srt(f.read())
        with open(vtt, encoding="utf-8") as f:
            self.assertEqual(parse_webvtt(f.read()), cues)
        self.assertEqual(" ".join(c[2] for c in cues),
                         "Übersetzung: What is the capital of France?", where)
        for start, end, _ in cues:
            self.assertLess(start, end, where)
        self.assertIn("heard: What is the capital of France?", result.stdout, where)
        self.assertIn("translation: Übersetzung: What is the capital of France?",
                      result.stdout, where)

    def test_translation_of_a_uri(self):
        wav = self.path("uri.wav")
        uri = "file://" + os.path.abspath(QUESTION)
        _, where = self.run_ok([TRANSLATE_PY, "--input", uri, "--to", "nl", "--output", wav])
        with wave.open(wav) as reply:
            self.assertGreater(reply.getnframes(), 0, where)

    def test_translation_without_its_input_is_named(self):
        result = run([PYTHON, TRANSLATE_PY, "--input", "/nonexistent/talk.wav", "--to", "de",
                      "--output", self.path("x.wav")])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("/nonexistent/talk.wav", result.stderr)

    def test_captions_are_written_on_the_speech_they_caption(self):
        srt, vtt = self.path("captions.srt"), self.path("captions.vtt")
        result, where = self.run_ok([CAPTIONS_PY, "--input", QUESTION, "--srt", srt,
                                     "--vtt", vtt, "--mode", "verbatim"])
        with open(srt, encoding="utf-8") as f:
            cues = parse_srt(f.read())
        with open(vtt, encoding="utf-8") as f:
            self.assertEqual(parse_webvtt(f.read()), cues)
        self.assertEqual([c[2] for c in cues], ["What is the capital of France?"], where)
        # The cue starts where the speech does (the server's offsets; its VAD
        # works in 20 ms frames), and the file starts at running time 0.
        onset = speech_onset(QUESTION)
        self.assertAlmostEqual(cues[0][0], onset, delta=0.1, msg=where)
        self.assertGreater(cues[0][1], cues[0][0] + 1.0, where)
        self.assertIn("What is the capital of France?", result.stdout, where)

    def test_captions_over_video(self):
        srt = self.path("overlay.srt")
        _, where = self.run_ok([CAPTIONS_PY, "--input", QUESTION, "--overlay", "--video-sink",
                                "fakesink", "--srt", srt])
        with open(srt, encoding="utf-8") as f:
            self.assertEqual([c[2] for c in parse_srt(f.read())],
                             ["What is the capital of France?"], where)


if __name__ == "__main__":
    unittest.main(verbosity=2)
