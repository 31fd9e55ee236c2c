import { commandWords, globMatch, PREFIX_COMMANDS, type CommandWord } from '../lexers/shell.js';
import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { countWords, maskMarkdownCode } from '../lexers/markdown.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/**
 * OS command injection, read as shell: a command word in command position after a separator, command
 * substitution, shell-only obfuscation (${IFS}, c'a't, /???/c?t), reverse-shell plumbing, Windows cmd syntax.
 */
const R = {
  chained: rule('cmdi', 'cmdi.chained-command', 1, 5, 'a shell command after a command separator'),
  argument: rule('cmdi', 'cmdi.argument-injection', 1, 5, 'an option that makes git, ssh, tar or rsync run a command (--upload-pack, -oProxyCommand...)'),
  substitution: rule('cmdi', 'cmdi.substitution', 1, 5, 'command substitution $(...) or `...`'),
  ifs: rule('cmdi', 'cmdi.ifs', 1, 5, '${IFS} used as a word separator'),
  glob: rule('cmdi', 'cmdi.glob-path', 1, 5, 'globbed path to a system binary'),
  obfuscated: rule('cmdi', 'cmdi.obfuscated-word', 1, 5, 'command word obfuscated with shell quoting'),
  leading: rule('cmdi', 'cmdi.leading-command', 2, 5, 'the value is a shell command line'),
  leadingWeak: rule('cmdi', 'cmdi.leading-word', 3, 3, 'the value starts with a command name'),
  devTcp: rule('cmdi', 'cmdi.reverse-shell', 1, 5, 'reverse-shell plumbing (/dev/tcp, nc -e, mkfifo)'),
  windows: rule('cmdi', 'cmdi.windows', 1, 5, 'Windows cmd / PowerShell syntax'),
  redirect: rule('cmdi', 'cmdi.redirect', 2, 3, 'shell redirection to or from a file'),
  batchFor: rule('cmdi', 'cmdi.batch-for', 1, 5, 'cmd.exe FOR loop (FOR %v IN (...) DO)'),
  shellshock: rule('cmdi', 'cmdi.function-definition', 1, 5, 'shell function definition (Shellshock "() {", fork bomb)'),
  expansion: rule('cmdi', 'cmdi.shell-expansion', 1, 5, 'shell-only expansion ($((..)), $[..], ${var#..}, <(..), $SHELL -c)'),
  alias: rule('cmdi', 'cmdi.alias', 1, 5, 'shell alias definition'),
  shellC: rule('cmdi', 'cmdi.shell-c', 1, 5, 'a shell started with a command string (sh -c)'),
  binPath: rule('cmdi', 'cmdi.bin-path', 2, 5, 'program path under a bin directory in command position'),
  batchIf: rule('cmdi', 'cmdi.batch-if', 2, 5, 'cmd.exe IF comparison followed by a command'),
  runtimeCall: rule('cmdi', 'cmdi.runtime-call', 1, 5, 'a Python or Ruby call that runs an OS command (os.system, subprocess, IO.popen, Process.spawn)'),
};
/** Language runtime calls whose only job is running a command line. */
const RUNTIME_CALL = re('\\b(?:os\\s{0,4}\\.\\s{0,4}(?:system|popen[234]?|exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)|subprocess\\s{0,4}\\.\\s{0,4}(?:call|run|popen|check_output|check_call|getoutput|getstatusoutput)|commands\\s{0,4}\\.\\s{0,4}getoutput|pty\\s{0,4}\\.\\s{0,4}spawn|process\\s{0,4}\\.\\s{0,4}spawn|io\\s{0,4}\\.\\s{0,4}popen|kernel\\s{0,4}\\.\\s{0,4}(?:exec|system|spawn)|open3\\s{0,4}\\.\\s{0,4}(?:popen[23e]?|capture[23e]?|pipeline))\\s{0,4}\\(|(?:^|[\\s;=(])%x[({\\[]', 'i');

/** Commands with no everyday-English meaning: enough on their own in command position. */
const STRONG = new Set(
  ('whoami uname wget curl nc ncat netcat bash sh zsh ksh csh tcsh dash ash busybox python python2 python3 perl ruby php lua node nodejs rm chmod chown ' +
    'ping nslookup dig ifconfig ipconfig netstat ps crontab sudo su useradd usermod passwd telnet ssh scp tftp base64 xxd hexdump nohup socat nmap systemctl ' +
    'mkfifo wget.exe certutil bitsadmin regsvr32 rundll32 mshta wscript cscript wmic schtasks netsh powershell pwsh cmd tasklist taskkill systeminfo ' +
    'icacls xcopy robocopy msiexec nc.traditional gcc tclsh expect awk gawk nawk sed grep egrep fgrep chattr lsattr printenv env id pwd ls cat more less head tail ' +
    'uptime hostname ifup iptables killall pkill useradd groupadd visudo cp mv touch mkdir rmdir ln tar gzip gunzip zcat bzip2 unzip zip find xargs ' +
    'sleep echo printf eval exec kill dir type del copy net reg sc findstr vol ver wevtutil cacls attrib ftp openssl lynx w3m fetch aria2c jrunscript ' +
    'jjs java javaw docker kubectl getent last lastlog w who finger arp route traceroute tracert pathping nbtstat whois ruby irb strings od dd shred ' +
    'diff file stat readlink nl tac rev cut sort uniq wc tee timeout watch screen tmux script xterm chroot mount umount df du free lsof top htop ' +
    'cpulimit taskset setsid stdbuf ionice chrt uconv iconv base32 basenc 7z unrar lz4 zstd sqlite3 mysql psql mongo mongosh redis-cli ansible ansible-playbook ' +
    'ansible-galaxy ansible-vault ansible-console ansible-pull ansible-inventory ansible-config ansible-doc chef-client chef-shell chef-run chef-vault knife ' +
    'cscli podman crictl masscan hping3 tcpdump tshark ngrep ssh-keygen gpg pip pip3 npm npx gem cargo g++ clang reboot poweroff shutdown ' +
    'gcc c89 c99 gdb strace ltrace regedit vi vim nano emacs ed iex invoke-expression invoke-webrequest iwr new-object start-process get-content set-content out-file get-childitem gci iwmi gwmi invoke-wmimethod get-wmiobject ' +
    // Package managers, admin and GTFOBins-style tools (programs that read files, run commands or open shells).
    'adduser deluser addgroup apt apt-get aptitude yum dnf rpm dpkg apk pacman zypper snap flatpak brew pipx composer yarn pnpm bundle bundler rake cpan ' +
    'perf flock rmt rmt-tar rmt-dump lastlogin bsdtar cpio pax ar arj xz lzma unxz 7za zipinfo xzcat bzcat lzcat zstdcat unzstd unlzma zgrep zegrep zfgrep zless zmore zdiff xzgrep bzgrep ' +
    'comm column fold fmt paste join expand unexpand split csplit shuf tr od hd look ptx pr tsort ' +
    'ssh-copy-id ssh-keyscan ssh-agent sshpass sftp rsync lftp ncftp smbclient rlogin rsh ' +
    'aa-exec aa-disable aa-status capsh setcap getcap setfacl getfacl nsenter unshare pkexec runuser ksu sg newgrp ' +
    'journalctl dmesg sysctl service loginctl timedatectl busctl systemd-run start-stop-daemon run-parts ' +
    'cd set date ip rc at trap ex view rview rvim vimdiff pico joe zathura less more man ' +
    'chef cscli knife puppet facter terraform vagrant virsh gcloud aws az helm ' +
    'make git svn jq dos2unix uudecode uuencode tic ul csvtool exiftool ' +
    'fish yash elvish posh sash mksh rbash ' +
    'bcdboot bcdedit diskpart vssadmin wbadmin cipher forfiles wmiprvse certreq esentutl expand extrac32 findstr hh ieexec makecab mavinject msbuild odbcconf pcalua pcwrapper regasm regsvcs replace rpcping runonce sc syncappvpublishingserver ttdinject tttracer verclsid wab wsl bash.exe').split(' '),
);

const STRONG_NAMES = [...STRONG];
/** Developer tools people write about with options in prose and tickets. */
const DEV_TOOLS = new Set(
  'npm npx pip pip3 pipx yarn pnpm gem cargo docker podman kubectl helm git node nodejs python python2 python3 ruby java javac go composer bundle bundler make gcc g++ clang brew apt apt-get yum dnf terraform vagrant gcloud aws az rake cpan mvn gradle dotnet php perl'.split(' '),
);
/** Language runtimes SDKs name in their User-Agent. */
const RUNTIMES = new Set(['python', 'python2', 'python3', 'node', 'nodejs', 'java', 'ruby', 'php', 'perl', 'go', 'dotnet']);
/** Prefix commands that are also English words (`time python is slow`). */
const ENGLISH_PREFIX = new Set(['time', 'watch', 'env', 'exec', 'command', 'nice', 'builtin', 'timeout', 'script']);

/** English words among them: need a shell-looking argument or a strongly shell separator. */
const AMBIGUOUS = new Set(
  ('more less head tail cat find sort file last who w top kill sleep echo type dir copy del net set find diff free mount watch script stat cut ver vol fetch date time test call start read tee nl rev id env ls cp mv shutdown gem knife ' +
    'snap bundle make ar pax comm column fold paste join expand split look pr service cd ip rc at trap ex view man chef puppet git sg hd tr ul tic fish ' +
    'replace cipher wab posh ed join od').split(' '),
);
/** Interpreters and compilers also installed under a versioned name (python3.10, php7.4, gcc7.4). */
const VERSIONED = new Set(['python', 'python2', 'python3', 'php', 'ruby', 'perl', 'node', 'gcc', 'g++', 'clang', 'lua', 'java', 'pip', 'pip3', 'tclsh']);

const SHELL_SEPARATORS = new Set(['|', '||', '&&', '$(', '`', '<(', '>(']);
// An option, a path, a variable, a redirection, a mode (`+x`).
const SHELL_ARG = re('^(?:-{1,2}[a-z0-9]|\\+[rwxst]|/(?:[a-z.]|$|\\s{1,4}-|[;|&])|~|\\$|\\.{1,2}/|[<>|&;`]|\\\\\\\\|[a-z]:\\\\|%[a-z_]+%|\\*|$)', 'i');
/** An option or an absolute or relative path as first argument. */
const OPTION_OR_PATH = re('^(?:-{1,2}[a-z0-9]|/[a-z.]|~/|\\.{1,2}/|[a-z]:\\\\)', 'i');
/** An option word (`-m`, `--list`, `-nlvp`) or a variable among the words after the command. */
const REST_OPTION = re('(?:^|\\s)(?:-{1,2}[a-z][a-z0-9-]{0,30}|\\$\\{?[a-z_][a-z0-9_]{0,30}\\}?)(?=\\s|$|=)', 'i');
/** A script or configuration file among the words after the command (`ansible-playbook site.yml`, `rc x.sh`). */
const REST_SCRIPT = re('(?:^|\\s)[\\w./-]{1,60}\\.(?:sh|bash|zsh|py|rb|pl|php|lua|yml|yaml|conf|cfg|ini|ps1|bat|cmd|vbs)(?=\\s|$)', 'i');
const WORD_END = re('[\\s;|&]');
const TAG_LIKE = re('^</?[a-z][a-z0-9-]{0,20}(?:\\s[^<>]{0,200})?/?>', 'i');
/** After a separator, a URL or an IPv4 address is an argument too (what wget, curl, nc, ping take). */
const NET_ARG = re('^(?:[a-z][a-z0-9+.-]{1,10}://|@?\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b)', 'i');
/** Network tools take a bare host name too. */
const NET_TOOLS = new Set(['nslookup', 'dig', 'host', 'ping', 'curl', 'wget', 'nc', 'ncat', 'netcat', 'telnet', 'whois', 'traceroute', 'tracert', 'ssh', 'ftp', 'tftp']);
const HOST_ARG = re('^[a-z0-9-]{1,63}(?:\\.[a-z0-9-]{1,63}){1,8}\\.?(?::\\d{1,5})?(?:[\\s&;|]|$)', 'i');
/**
 * A URL and then a tool's option with a path or URL (`http://x/a.php -o /var/www/html/a.php`): a URL has no
 * blanks, so what follows one was written for the command line the URL is put on (curl, wget: argument injection).
 */
const URL_THEN_OPTION = re('^\\s{0,4}[a-z][a-z0-9+.-]{1,10}://[^\\s]{1,2000}\\s{1,8}-{1,2}[a-z][a-z-]{0,30}(?:\\s{1,8}|=)[\'"]?(?:/|\\.{1,2}/|[a-z]:\\\\|[a-z][a-z0-9+.-]{1,10}://|@)', 'i');
const DEV_TCP = re('/dev/(?:tcp|udp)/|\\bnc(?:at)?\\s{1,8}(?:-[a-z]{1,4}\\s{1,8}){0,4}-[a-z]{0,3}e\\s|\\bmkfifo\\s|\\bbash\\s{1,8}-i\\s|\\b0<&\\d|>&\\s{0,4}/dev/', 'i');
const WINDOWS = re('%comspec%|\\bcmd(?:\\.exe)?\\s{0,8}/[ck]\\b|\\bcall\\s{1,8}%[a-z_]\\w{0,30}%%[a-z_]\\w{0,30}%|%[a-z_]\\w{0,30}:~-?\\d{1,3}(?:,-?\\d{1,3})?%|\\bpowershell(?:\\.exe)?\\s{1,8}-|^\\s{0,8}(?:for\\s{1,8}/[rfdl]\\b|for\\s{1,8}%%?[a-z]\\s|if\\s{1,8}(?:/i\\s|not\\s|exist\\s|defined\\s|errorlevel\\s|%))|\\$env:[a-z]|\\biex\\s{0,8}\\(|\\bdownloadstring\\s{0,4}\\(|\\bstart-process\\b|\\binvoke-(?:expression|webrequest)\\b', 'i');
const BATCH_FOR = re('\\bfor\\s{1,32}(?:/[a-z]\\s{1,16}(?:"[^"]{0,60}"\\s{1,16}|[^\\s%"]{1,60}\\s{1,16})?)?%{1,2}[^\\s%]{1,32}\\s{1,32}in\\s{0,32}\\(', 'i');
// `if /i`, `if/i` (cmd.exe needs no blank before the switch); quoted operands may hold blanks.
const BATCH_IF = re('\\bif(?:\\s{0,32}/i)?\\s{1,32}(?:not\\s{1,16})?(?:exist|defined|errorlevel|cmdextversion)\\s|\\bif(?:\\s{0,32}/i)?\\s{1,32}(?:"[^"]{0,40}"|[^\\s="/]{1,40})\\s{0,16}(?:==|\\s(?:equ|neq|lss|leq|gtr|geq)\\s)', 'i');
const SHELLSHOCK = re('^\\s{0,8}\\(\\s{0,4}\\)\\s{0,8}\\{|:\\s{0,4}\\(\\s{0,4}\\)\\s{0,4}\\{\\s{0,4}:', '');
const EXPANSION = re('\\$\\(\\(|\\$\\[[^\\]]{0,40}\\]|\\$\\{[a-z_][a-z0-9_]{0,40}(?:#|%|:[-=?+]|:\\d{1,3}:\\d{1,3}\\}|/|\\^|,)|\\$\\{#|[<>]\\(\\s{0,4}[a-z]{2,16}\\s|\\$\\{?shell\\}?\\s{1,8}-c\\b', 'i');
const ARG_INJECTION = re('(?:^|[\\s\'"=])(?:--(?:upload|receive)-pack(?:=|\\s{1,4}[\'"/$])|-o\\s{0,4}proxycommand\\s{0,4}=|--use-compress-program(?:=|\\s{1,4}[\'"/$])|--checkpoint-action\\s{0,4}=\\s{0,4}exec|--to-command(?:=|\\s{1,4}[\'"/$])|--rsh(?:=|\\s{1,4}[\'"/$])|--config\\s{0,4}=?\\s{0,4}core\\.(?:sshcommand|fsmonitor|pager|editor)\\s{0,4}=|-x\\s{0,4}/[\\w./-]{1,200}\\.(?:php\\d?|phtml|phar|jsp|aspx?|cgi|pl|sh)\\b|-oq\\s{0,4}/)');
const SHELL_C = re('\\b(?:sh|bash|zsh|ksh|dash|csh|tcsh|ash|busybox\\s{1,4}sh)\\s{1,8}-c\\b', 'i');
const ALIAS = re('\\balias\\s{1,8}(?:[-+][a-z]{1,4}\\s{1,8}){0,3}[^\\s=]{1,40}=', 'i');
const BIN_PATH = re('(?:^|[\\s;|&`(])(?:/usr|/usr/local)?/?s?bin/[a-z][\\w.-]{1,40}', 'i');
// `</p>` is a closing tag, not input from the file /p.
const REDIRECT = re('(?:^|[\\s;|&])(?:\\d?>{1,2}|<(?!/[a-z][a-z0-9]{0,20}>)) ?(?:/|\\.\\.?/|~/|[a-z]:\\\\)[\\w./\\\\-]{1,64}', 'i');

const GLOB_TARGETS = ['cat', 'nc', 'bash', 'sh', 'wget', 'curl', 'id', 'ls', 'whoami', 'uname', 'python', 'perl', 'passwd', 'shadow', 'netcat', 'ncat', 'nmap', 'ping', 'rm', 'echo', 'more', 'less', 'head', 'tail', 'php', 'ruby'];

export const cmdiDetector: ValueDetector = {
  name: 'cmdi',
  rules: Object.values(R),
  trigger: M.SEMI | M.PIPE | M.AMP | M.NEWLINE | M.BACKTICK | M.DOLLAR | M.QUOTE | M.DQUOTE | M.BACKSLASH | M.QUESTION | M.STAR | M.SPACE | M.SLASH | M.PERCENT | M.LT | M.GT | M.BRACE | M.TILDE | M.EXCL,
  inspect(view: View, item: Item, out: Emitter): void {
    const s = view.text;
    const l = view.lower;
    if (s.length < 2) return;
    if ((view.mask & M.DOLLAR) !== 0 && (l.includes('${ifs') || l.includes('$ifs'))) out.emit(R.ifs, excerpt(s, l.indexOf('ifs') - 2));
    // Every DEV_TCP alternative but mkfifo carries '/', '-' or '<' ("nc -e", "bash -i", "0<&", "/dev/tcp").
    const d = l.includes('mkfifo') || ((view.mask & (M.SLASH | M.DASH | M.LT)) !== 0 && (l.includes('/dev/') || l.includes('nc') || l.includes('bash') || l.includes('<&'))) ? DEV_TCP.exec(s) : null;
    if (d !== null) out.emit(R.devTcp, excerpt(s, d.index));
    if ((view.mask & M.PAREN) !== 0 && (view.mask & M.DOT) !== 0 || l.includes('%x')) {
      const rc = RUNTIME_CALL.exec(s);
      if (rc !== null) out.emit(R.runtimeCall, excerpt(s, rc.index));
    }
    // Every WINDOWS alternative but a leading IF carries %, /, -, $ or ( (cmd /c, %comspec%, iex(, start-process).
    const w = ((view.mask & (M.PERCENT | M.SLASH | M.DASH | M.DOLLAR | M.PAREN)) !== 0 ? mayBeWindows(l) : startsWithWord(l, 'if')) ? WINDOWS.exec(s) : null;
    if (w !== null) out.emit(R.windows, excerpt(s, w.index));
    // Without a separator or substitution the only shell shape left is a command line at the start of the
    // value: look at its first word before tokenising anything.
    if ((view.mask & M.PAREN) !== 0 && (view.mask & M.BRACE) !== 0) {
      const sh = SHELLSHOCK.exec(s);
      if (sh !== null) out.emit(R.shellshock, excerpt(s, sh.index));
      else {
        const f = forkBomb(l);
        if (f !== -1) out.emit(R.shellshock, excerpt(s, f));
      }
    }
    if ((view.mask & (M.DOLLAR | M.LT | M.GT)) !== 0) {
      const e = EXPANSION.exec(s);
      if (e !== null) out.emit(R.expansion, excerpt(s, e.index));
    }
    // Argument injection: the value reaches a tool's argument list (no shell needed), as an option that runs a program.
    // (sendmail's `-X/var/www/html/x.php` logs the message, code included, to a file the web server runs: PHPMailer.)
    if ((view.mask & M.DASH) !== 0 && (l.includes('pack') || l.includes('proxycommand') || l.includes('-program') || l.includes('action') || l.includes('command') || l.includes('rsh') || l.includes('-x') || l.includes('-oq'))) {
      const a = ARG_INJECTION.exec(l);
      if (a !== null) out.emit(R.argument, excerpt(s, a.index));
    }
    if ((view.mask & (M.DASH | M.SPACE | M.COLON)) === (M.DASH | M.SPACE | M.COLON) && l.includes('://')) {
      const u = URL_THEN_OPTION.exec(s);
      if (u !== null) out.emit(R.argument, excerpt(s, 0));
    }
    if ((view.mask & M.DASH) !== 0 && l.includes('-c')) {
      const c = SHELL_C.exec(s.replaceAll("'", '').replaceAll('"', ''));
      if (c !== null) out.emit(R.shellC, excerpt(s, c.index));
    }
    if ((view.mask & M.EQ) !== 0 && l.includes('alias')) {
      const a = ALIAS.exec(s);
      if (a !== null) out.emit(R.alias, excerpt(s, a.index));
    }
    if ((view.mask & M.SLASH) !== 0 && l.includes('bin/')) {
      const b = BIN_PATH.exec(s);
      if (b !== null) out.emit(R.binPath, excerpt(s, b.index));
    }
    // FOR %v IN (...) needs a percent sign and a parenthesis; IF needs a blank or /i after the word.
    if ((view.mask & M.PERCENT) !== 0 && (view.mask & M.PAREN) !== 0 && l.includes('for') && l.includes('in')) {
      const f = BATCH_FOR.exec(s);
      if (f !== null) out.emit(R.batchFor, excerpt(s, f.index));
    }
    if (wordThenBlank(l, 'if')) {
      const b = BATCH_IF.exec(s);
      // At the start of the value or after a command separator, as cmd.exe reads a command.
      const before = b === null ? '' : s.slice(0, b.index).trimEnd();
      if (b !== null && (before === '' || /* separators */ '&|('.includes(before[before.length - 1] ?? ''))) out.emit(R.batchIf, excerpt(s, b.index));
    }
    // Quotes only hide a command at the start (w'h'o'am'i); globs only matter in a path (/???/c?t).
    const quoted = (view.mask & (M.QUOTE | M.DQUOTE)) !== 0 && item.location !== 'path' && startsWithCommand(l.replaceAll("'", '').replaceAll('"', ''));
    const globbed = (view.mask & (M.QUESTION | M.STAR)) !== 0 && (view.mask & M.SLASH) !== 0;
    // `pi<()ng`: an empty process substitution splits a word only a shell joins again.
    const emptySub = (view.mask & M.PAREN) !== 0 && (view.mask & (M.LT | M.GT)) !== 0 && (l.includes('<()') || l.includes('>()'));
    // The whole request path starts with '/' by definition: only its shell punctuation can make it a command line
    // (its segments, `path:N`, are read like any value).
    if ((view.mask & SHELL_PUNCT) !== 0 || quoted || globbed || emptySub || (item.location !== 'path' && startsWithCommand(l))) {
      // `&amp;`, `&#39;` are characters of HTML text, not `&` and `;` separators (the decoded view reads them).
      const text = (view.mask & (M.AMP | M.SEMI)) === (M.AMP | M.SEMI) ? maskEntities(s) : s;
      // Markdown table pipes and inline code in prose are not shell syntax.
      const sh = (view.mask & (M.BACKTICK | M.PIPE)) !== 0 ? maskMarkdownCode(text) : text;
      for (const c of commandWords(sh)) command(sh, c, item, out);
    }
    // cmd.exe drops its escape character: `p^o^w^e^r^s^h^e^l^l -c whoami` runs powershell.
    if (l.includes('^') && CARET_SPLIT.test(l)) {
      // The index is in the text without carets: the evidence is that text.
      const c = caretCommand(l);
      if (c !== -1) out.emit(R.obfuscated, excerpt(s.replaceAll('^', ''), c));
    }
    if ((view.mask & M.BRACE) !== 0 && (view.mask & M.COMMA) !== 0) {
      const b = braceCommand(l);
      if (b !== -1) out.emit(R.obfuscated, excerpt(s, b));
    }
    if ((view.mask & M.SEMI) !== 0 && (l.includes('sh') || l.includes('sys') || l.includes('.databases'))) {
      const d = sqliteDotCommand(l);
      if (d !== -1) out.emit(R.chained, excerpt(s, d));
    }
    if ((view.mask & (M.TILDE | M.EXCL)) !== 0) {
      const h = tildeOrHistory(l);
      if (h !== -1) out.emit(R.expansion, excerpt(s, h));
    }
    if ((view.mask & (M.LT | M.GT)) !== 0) {
      const r = REDIRECT.exec(s);
      if (r !== null) out.emit(R.redirect, excerpt(s, r.index));
    }
  },
};

/** Separators and substitutions: a command can start after them. */
const SHELL_PUNCT = M.SEMI | M.PIPE | M.AMP | M.NEWLINE | M.BACKTICK | M.DOLLAR | M.BRACE | M.BACKSLASH;

function startsWithCommand(l: string): boolean {
  let i = 0;
  while (l.charCodeAt(i) === 32 || l.charCodeAt(i) === 9) i++;
  if (l[i] === '/' || l[i] === '\\') return true;
  let j = i;
  while (j < l.length && j - i < 24 && l.charCodeAt(j) > 32 && l[j] !== '/') j++;
  const w = l.slice(i, j);
  const name = w.endsWith('.exe') ? w.slice(0, -4) : w;
  return STRONG.has(name) || VERSIONED.has(unversioned(name)) || PREFIX_COMMANDS.has(name);
}

/** Every WINDOWS alternative contains one of these (FOR and IF only at the start of the value). */
function mayBeWindows(l: string): boolean {
  return l.includes('cmd') || l.includes('powershell') || l.includes('%') || startsWithWord(l, 'for') || startsWithWord(l, 'if') || l.includes('$env') || l.includes('iex') || l.includes('download') || l.includes('start-') || l.includes('invoke-');
}

/** `w` after at most eight blanks at the start of `l`. */
function startsWithWord(l: string, w: string): boolean {
  let i = 0;
  while (i < 8 && (l.charCodeAt(i) === 32 || l.charCodeAt(i) === 9)) i++;
  return l.startsWith(w, i);
}

/** `w` somewhere, followed by a blank or '/' (cmd.exe's `if/i`). */
function wordThenBlank(l: string, w: string): boolean {
  for (let i = l.indexOf(w); i !== -1; i = l.indexOf(w, i + 1)) {
    const c = l.charCodeAt(i + w.length);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47 || c === 11 || c === 12) return true;
  }
  return false;
}

function isCommand(c: CommandWord): boolean {
  if (c.glob) {
    // `[u]name`: a bracket class without wildcards names one program; `?` and `*` only the usual targets.
    if (!c.word.includes('?') && !c.word.includes('*')) return STRONG_NAMES.some((t) => globMatch(c.word, t));
    return GLOB_TARGETS.some((t) => globMatch(c.word, t));
  }
  return STRONG.has(c.word) || VERSIONED.has(unversioned(c.word)) || isCmdlet(c.word);
}

/** PowerShell's approved verbs that read, run, change or send something. */
const PS_VERBS = new Set('get set new remove invoke start stop add copy move out import export convertto convertfrom test resolve write clear enable disable register install expand compress send receive enter'.split(' '));

/** A PowerShell cmdlet name: an approved verb, '-', a noun of letters (`Get-Process`, `Invoke-RestMethod`). */
function isCmdlet(w: string): boolean {
  const dash = w.indexOf('-');
  if (dash < 3 || dash > 12 || w.length - dash < 4 || !PS_VERBS.has(w.slice(0, dash))) return false;
  for (let i = dash + 1; i < w.length; i++) if (w.charCodeAt(i) < 97 || w.charCodeAt(i) > 122) return false;
  return true;
}

/** Windows tools named by English words, and the subcommands that make them a command line (`net user`). */
const SUBCOMMANDS = new Map<string, ReadonlySet<string>>([
  ['net', new Set('user users localgroup group share view use start stop session sessions accounts config time'.split(' '))],
  ['sc', new Set('query queryex qc create config start stop delete sdshow'.split(' '))],
  ['reg', new Set('query add delete export import save load copy'.split(' '))],
  ['wmic', new Set('process os useraccount qfe service startup share nicconfig computersystem logicaldisk product group'.split(' '))],
]);
/** Commands whose number argument is a delay (time-based blind injection). */
const DELAYS = new Set(['sleep', 'timeout']);

function firstWord(a: string): string {
  const end = a.search(WORD_END);
  return (end === -1 ? a : a.slice(0, end)).toLowerCase();
}

function isNumber(w: string): boolean {
  return w !== '' && w.length <= 6 && [...w].every((ch) => ch >= '0' && ch <= '9');
}

/** `python3.10` -> `python3`, `gcc7.4` -> `gcc`: the name without a trailing version. */
function unversioned(w: string): string {
  let e = w.length;
  while (e > 0 && ((w.charCodeAt(e - 1) >= 48 && w.charCodeAt(e - 1) <= 57) || w[e - 1] === '.')) e--;
  return e === w.length || e === 0 ? '' : w.slice(0, e);
}

function command(s: string, c: CommandWord, item: Item, out: Emitter): void {
  if (c.word.length === 0 || c.word.length > 32) return;
  // A lone `*` (a C comment opener, `/*`) matches every name and names none.
  if (c.glob && (c.word === '*' || c.word === '**')) return;
  const frag = excerpt(s, c.start);
  if (c.glob && c.pathQualified && isCommand(c)) {
    out.emit(R.glob, frag);
    return;
  }
  if (!isCommand(c)) return;
  const ambiguous = AMBIGUOUS.has(c.word) && !c.pathQualified;
  // `kill '-'9`: the argument as the shell reads it.
  const arg0 = c.arg.includes("'") || c.arg.includes('"') || c.arg.startsWith('\\') ? unquoteWord(c.arg) + c.arg.slice(c.arg.search(WORD_END) === -1 ? c.arg.length : c.arg.search(WORD_END)) : c.arg;
  // A trailing line break (a textarea's) is no argument, nor the ')' that closes a subshell (`|| (id)`).
  const arg = arg0.startsWith(')') ? '' : arg0.trimEnd();
  // A cmdlet-shaped name followed by plain words is English (`Get-Started guide`); cmdlets take -Options and $vars.
  if (!STRONG.has(c.word) && isCmdlet(c.word) && arg !== '' && !OPTION_OR_PATH.test(arg) && !'|$"\''.includes(arg[0] ?? '')) return;
  // `net user`, `| sleep 5`: a subcommand of a Windows tool, or a number for a delay command after a pipe or `&&`.
  // (`127.0.0.1\nsleep 10`: after a line break too, when the first line was no sentence.)
  const delayAfter = SHELL_SEPARATORS.has(c.after) || (c.after === '\n' && !s.slice(0, c.start).includes(' '));
  const sub = SUBCOMMANDS.get(c.word)?.has(firstWord(arg)) === true || (delayAfter && DELAYS.has(c.word) && isNumber(c.rest.trim()));
  // `& more <b>`: an HTML tag after an English word is markup (entity-decoded rich text), not a redirection.
  const shellArg = (SHELL_ARG.test(arg) && !(arg.startsWith('<') && TAG_LIKE.test(arg))) || sub;
  // POSIX shells look names up case-sensitively: `Python; Docker` is a list of names, not commands.
  // (PowerShell's Verb-Noun cmdlets are written capitalised and looked up in any case.)
  const capitalised = c.upper && !c.word.includes('-') && (c.after === ';' || c.after === '\n' || c.after === '^') && !OPTION_OR_PATH.test(arg);
  if (c.after === '$(') {
    out.emit(R.substitution, frag);
    return;
  }
  if (c.after === '`') {
    // Markdown uses back-ticks for code: a fenced block or inline code after a space is prose about commands.
    const tick = c.start - 1;
    if (s.startsWith('```', Math.max(0, tick - 2)) || s.indexOf('`', c.start) === -1) return;
    const before = s[tick - 1];
    if (tick === 0 || (before !== ' ' && before !== '\n' && before !== '(')) out.emit(R.substitution, frag);
    else out.emit(R.leadingWeak, frag);
    return;
  }
  // Quotes around an English word are prose ('cat'); a backslash or an empty expansion inside it (`\\ls`, `c$@at`)
  // is not.
  if (c.obfuscated && !capitalised && (!ambiguous || escapedWord(s, c.start))) {
    out.emit(R.obfuscated, frag);
    return;
  }
  // Options or a variable further on (`ansible all -m ping`): a command line, not a sentence.
  // Developer tools are quoted in tickets and docs with their options (`npm install --save x`): only their first
  // argument counts. After a separator, a hyphenated tool name (`ansible-vault decrypt x`) is no English word.
  const lineArgs = !ambiguous && !capitalised && (shellArg || (!DEV_TOOLS.has(unversioned(c.word) || c.word) && (REST_OPTION.test(c.rest) || REST_SCRIPT.test(c.rest) || (c.after !== '^' && c.word.includes('-') && c.rest.trim() !== ''))));
  if (c.after === '^') {
    if (!mayStartCommand(item, s)) return;
    const pathArg = arg.startsWith('/') || arg.startsWith('-');
    // `nohup ifconfig`, `strace -f curl`: a prefix command running a program is a command line.
    // After a prefix no English sentence uses (`nohup who`, `strace id`), even an English command word runs.
    const prefixed = c.prefix !== undefined && !capitalised && (ambiguous ? !ENGLISH_PREFIX.has(c.prefix) && c.prefix !== 'sudo' : !ENGLISH_PREFIX.has(c.prefix) || c.rest.trim() === '' || lineArgs || NET_ARG.test(arg) || HOST_ARG.test(arg));
    if (c.pathQualified || prefixed || (shellArg && arg !== '' && (!ambiguous || pathArg)) || (lineArgs && arg !== '')) out.emit(R.leading, frag);
    else if (!ambiguous) out.emit(R.leadingWeak, frag);
    return;
  }
  if (capitalised) return;
  // `faster search & more`, `Tom & who`: an English command word closing a phrase after a lone '&' is prose (an
  // injection after '&' follows a value, not a sentence: `127.0.0.1 & id`).
  if (c.after === '&' && ambiguous && arg === '' && countWords(s.slice(0, c.start)) >= 2) return;
  // `sendgrid/6.11.0;python`: an SDK's User-Agent names its runtime after ';'. A runtime with nothing to run is no
  // command line.
  if (item.header === 'user-agent' && c.after === ';' && arg === '' && RUNTIMES.has(c.word)) return;
  if (SHELL_SEPARATORS.has(c.after) ? !ambiguous || shellArg : shellArg || lineArgs || (!ambiguous && (arg === '' || NET_ARG.test(arg) || (NET_TOOLS.has(c.word) && HOST_ARG.test(arg)))) || c.pathQualified) out.emit(R.chained, frag);
}

/**
 * Keys and headers are names, not command lines, except a key with a blank in it (a form key that swallowed a
 * whole command line) and a User-Agent or Referer that is neither a product token (`curl/8.1`) nor a URL.
 */
function mayStartCommand(item: Item, s: string): boolean {
  if (item.kind === 'key') return s.includes(' ');
  if (item.kind !== 'header') return true;
  if (item.header !== 'user-agent' && item.header !== 'referer') return false;
  const blank = s.indexOf(' ');
  const first = blank === -1 ? s : s.slice(0, blank);
  return blank !== -1 && !first.includes('/') && !first.includes(':');
}

/** The command word written at `start` has a backslash before a letter or an empty expansion in it. */
function escapedWord(s: string, start: number): boolean {
  for (let i = start; i < s.length && i < start + 64; i++) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === ';' || c === '|' || c === '&' || c === '\n') return false;
    const n = (s.charCodeAt(i + 1) | 0x20);
    if (c === '\\' && n >= 97 && n <= 122) return true;
    if (c === '$' && (s[i + 1] === '@' || s[i + 1] === '*' || (n >= 97 && n <= 122) || s[i + 1] === '(')) return true;
    if ((c === '`' && s[i + 1] === '`') || (c === '(' && s[i + 1] === ')')) return true;
  }
  return false;
}

/** The first word of `a` with shell quoting undone (`'-'9` is -9). */
function unquoteWord(a: string): string {
  let out = '';
  for (let i = 0; i < a.length && i < 40; i++) {
    const c = a[i];
    if (c === ' ' || c === '\t' || c === ';' || c === '|' || c === '&') break;
    if (c === "'" || c === '"') continue;
    if (c === '\\') {
      out += a[i + 1] ?? '';
      i++;
      continue;
    }
    out += c;
  }
  return out;
}

/** sqlite3 dot-commands that run programs (the CLI accepts unique prefixes: `.sh`). */
const DOT_COMMANDS = ['shell', 'system', 'sh'];

/**
 * `;\n.shell id`, `1;.sh whoami`, `;\n. system id`: a sqlite3 dot-command where a statement ends (after `;` and
 * an optional line break, also written `\n`), quotes and backslashes around it ignored. -1 when there is none.
 */
function sqliteDotCommand(l: string): number {
  for (let semi = l.indexOf(';'); semi !== -1 && semi < 2000; semi = l.indexOf(';', semi + 1)) {
    let i = semi + 1;
    for (let k = 0; k < 8; k++) {
      if (l[i] === ' ' || l[i] === '\n' || l[i] === '\r' || l[i] === '"' || l[i] === "'") i++;
      else if (l[i] === '\\' && (l[i + 1] === 'n' || l[i + 1] === 'r')) i += 2;
      else break;
    }
    if (l[i] !== '.') continue;
    i++;
    while (l[i] === ' ' || l[i] === '\\' || l[i] === '"' || l[i] === "'") i++;
    let j = i;
    while (j < l.length && j - i < 12 && l.charCodeAt(j) >= 97 && l.charCodeAt(j) <= 122) j++;
    const word = l.slice(i, j);
    const next = l[j];
    // `.shell nc ...` runs a program; `.databases` alone lists the attached files. Prose (`; .sh files`) has neither.
    if (word === 'databases' && (next === undefined || next === '\n' || next === '\\' || next === '\r')) return semi;
    if (!DOT_COMMANDS.includes(word) || (next !== ' ' && next !== '\\')) continue;
    const argAt = l.indexOf(' ', j) + 1;
    const argEnd = l.indexOf(' ', argAt);
    const arg = l.slice(argAt, argEnd === -1 ? Math.min(l.length, argAt + 24) : argEnd).replaceAll('\\n', '').trim();
    if (argAt > 0 && (STRONG.has(arg) || VERSIONED.has(unversioned(arg)))) return semi;
  }
  return -1;
}

/**
 * The value is only a bash directory-stack tilde form (`~+2`, `~-1`, `~+/path`) or chained history designators
 * (`!-1!-2`, `!!` after another one): words nothing but a shell reads. -1 when it is not.
 */
function tildeOrHistory(l: string): number {
  const v = l.trim();
  if (v.length < 2 || v.length > 24) return -1;
  if (v[0] === '~') {
    const sign = v[1];
    if (sign !== '+' && sign !== '-') return -1;
    let i = 2;
    while (i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
    // Bare `~+` / `~-` (two characters) say too little; a stack index or a path after it is a shell word.
    return i > 2 && (i === v.length || v[i] === '/') ? l.indexOf('~') : i === 2 && v[i] === '/' ? l.indexOf('~') : -1;
  }
  if (v[0] !== '!') return -1;
  let n = 0;
  let i = 0;
  while (i < v.length && v[i] === '!') {
    i++;
    if (v[i] === '!') {
      i++;
    } else {
      if (v[i] === '-') i++;
      const d = i;
      while (i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
      if (i === d) return -1;
    }
    n++;
  }
  return i === v.length && n >= 2 ? l.indexOf('!') : -1;
}

/** Each HTML character reference (`&amp;`, `&#59;`, `&#x3b;`) overwritten with '_' of the same length. */
function maskEntities(s: string): string {
  let out = '';
  let last = 0;
  for (let i = s.indexOf('&'); i !== -1; i = s.indexOf('&', i + 1)) {
    let j = i + 1;
    if (s[j] === '#') {
      j++;
      if (s[j] === 'x' || s[j] === 'X') j++;
    }
    const start = j;
    while (j < s.length && j - start < 10 && /* letter or digit */ ((s.charCodeAt(j) | 0x20) >= 97 && (s.charCodeAt(j) | 0x20) <= 122 || (s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57))) j++;
    if (j > start && s[j] === ';') {
      out += s.slice(last, i) + '_'.repeat(j + 1 - i);
      last = j + 1;
      i = j;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

const CARET_SPLIT = re('[a-z]\\^{1,2}[a-z]');

/** Where a command name that only exists once cmd.exe has dropped the '^' in it stands, in the text without them. */
function caretCommand(l: string): number {
  const plain = l.replaceAll('^', '');
  for (const c of commandWords(plain)) {
    if (c.word.length >= 2 && !l.includes(c.word) && isCommand(c) && (c.after !== '^' || c.arg !== '' || !AMBIGUOUS.has(c.word))) return c.start;
  }
  return -1;
}

/**
 * Shell brace expansion that spells a command: `c{a,oun}t` (cat, count), `{,ifconfig}`, `{id,}`. Only a shell
 * expands braces, so an English command word counts too when another alternative is a path or an option.
 */
function braceCommand(l: string): number {
  for (let open = l.indexOf('{'); open !== -1; open = l.indexOf('{', open + 1)) {
    const close = l.indexOf('}', open + 1);
    if (close === -1 || close - open > 60) continue;
    const inner = l.slice(open + 1, close);
    if (!inner.includes(',') || inner.includes(' ') || inner.includes('{')) continue;
    let a = open;
    while (a > 0 && isWordChar(l.charCodeAt(a - 1))) a--;
    let b = close + 1;
    while (b < l.length && isWordChar(l.charCodeAt(b))) b++;
    const prefix = l.slice(a, open);
    const suffix = l.slice(close + 1, b);
    const alts = inner.split(',');
    // `{id,}`: an empty alternative is there only to split the word.
    const pathy = alts.some((x) => x === '' || x.startsWith('/') || x.startsWith('-'));
    for (const alt of alts) {
      const w = prefix + alt + suffix;
      const word = w.slice(w.lastIndexOf('/') + 1);
      if (STRONG.has(word) && (!AMBIGUOUS.has(word) || pathy || prefix !== '' || suffix !== '')) return a;
    }
  }
  return -1;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;
}

/** The separators between the commands of a function body. */
const COMMAND_SPLIT = re('[|&;\\n]');

/** `f(){ f | f & }; f`: a shell function whose body pipes into itself (a fork bomb under any name). */
function forkBomb(l: string): number {
  for (let p = l.indexOf('('); p !== -1 && p < 400; p = l.indexOf('(', p + 1)) {
    let q = p + 1;
    while (l[q] === ' ') q++;
    if (l[q] !== ')') continue;
    q++;
    while (l[q] === ' ') q++;
    if (l[q] !== '{') continue;
    let a = p;
    while (a > 0 && l[a - 1] === ' ') a--;
    const e = a;
    while (a > 0 && isWordChar(l.charCodeAt(a - 1))) a--;
    const name = l.slice(a, e);
    const close = l.indexOf('}', q);
    const body = l.slice(q + 1, close === -1 ? Math.min(l.length, q + 200) : close);
    if (name === '') continue;
    // The body runs the function itself twice (`f | f &`, `f & f;`), or the value defines it and then calls it
    // (`f(){ id; };f`): both are shell and nothing else.
    let self = 0;
    for (const part of body.split(COMMAND_SPLIT)) if (part.replaceAll('()', '').trim() === name) self++;
    if (self >= 2 || (close !== -1 && calledAfter(l, close + 1, name))) return a;
  }
  return -1;
}

/** `}; f` or `};f`: the function named `name` called right after its definition closes at `from`. */
function calledAfter(l: string, from: number, name: string): boolean {
  let i = from;
  while (l[i] === ' ') i++;
  if (l[i] !== ';' && l[i] !== '&' && l[i] !== '\n') return false;
  i++;
  while (l[i] === ' ') i++;
  if (!l.startsWith(name, i)) return false;
  // A shell calls it by its bare name; `f()` after the brace is a JavaScript or C call.
  const c = l[i + name.length];
  return c === undefined || c === ' ' || c === ';' || c === '&' || c === '|' || c === '\n';
}
