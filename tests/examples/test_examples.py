#!/usr/bin/env python3
# The examples as a newcomer runs them: every failure is reported in words and
# exits non-zero (a missing input file, a missing plugin with the
# GST_PLUGIN_PATH hint, a missing API key, an error the service sends), and a
# recorded question gets its spoken answer written out with the model's words
# printed as one line.
#
# Usage: test_examples.py GEMINI_CONVERSE VOICE_ASSISTANT VOICE_ASSISTANT_PY
# (meson test sets GEMINI_LIVE_SERVER, GEMINI_LIVE_TEST_DATA, GST_PLUGIN_PATH).
import os
import subprocess
import sys
import tempfile
import unittest
import wave

CONVERSE, ASSISTANT, ASSISTANT_PY = sys.argv[1:4]
del sys.argv[1:4]
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
    def __init__(self, *args):
        self.scenario = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        self.scenario.write(SCENARIO)
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
