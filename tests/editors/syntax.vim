" Run by tests/editors/vim.sh: vim -es -u NONE -S syntax.vim FILE...
" For each file, finds one of each kind of token (outside comments) and
" checks the syntax group synID() gives it; writes "ok - " / "not ok - "
" lines to $RESULTS.  The totals show each kind was met at least once.
let s:out = []
" kind, a pattern whose match starts on the token, the group expected
let s:kinds = [
  \ ['keyword', '^\%(measure\|group\|input\|policy\|test\|record\|action\)\>', 'rubricStatement'],
  \ ['inner keyword', '^\s*na\s\+\zswhen\>', 'rubricKeyword'],
  \ ['list of', '^input \h\w*:\s*\zslist\s\+of\>', 'rubricKeyword'],
  \ ['priority', '^\s*\zspriority\>', 'rubricKeyword'],
  \ ['reason', '^\s*\zsreason\>', 'rubricKeyword'],
  \ ['prev', '^[^#"]*\<\zsprev(', 'rubricFunction'],
  \ ['number', '^\s*\h\w*\s\+[<>=]\+\s*\zs\d\+\%(\.\d\+\)\=\s*\%(#\|$\)', 'rubricNumber'],
  \ ['percent', '^\s*\h\w*\s\+[<>=]\+\s*\zs\d\+\%(\.\d\+\)\=%', 'rubricPercent'],
  \ ['duration', '^param [^#"]*=\s*\zs\d\+\s\+\%(day\|week\|month\|year\)', 'rubricDuration'],
  \ ['date', '^[^#"]*\zs\<\d\{4}-\d\d-\d\d\>', 'rubricDate'],
  \ ['string', '^\%(policy\|input\|measure\|let\|test\|expect\|given\)\>[^#"]*\zs"', 'rubricString'],
  \ ['comment', '^\s*\zs#', 'rubricComment'],
  \ ['trailing comment', '^[^#"]\+\zs#', 'rubricComment'],
  \ ['band line', '^\s\+\zs\%(red\|yellow\|green\)\ze\s\+[<>=]', 'rubricBand'],
  \ ['scheme band', '^\s\+\zs\h\w*\ze\s\+scores\>', 'rubricBand'],
  \ ['operator', '^\s*\h\w*\s\+\zs[<>]=\=\s*\d', 'rubricOperator'],
  \ ]
let s:seen = {}
for s:file in argv()
  execute 'silent edit ' . fnameescape(s:file)
  if &filetype !=# 'rubric'
    call add(s:out, 'not ok - ' . s:file . ': filetype is "' . &filetype . '", not rubric')
  endif
  for [s:kind, s:pat, s:want] in s:kinds
    call cursor(1, 1)
    let s:pos = searchpos(s:pat, 'cW')
    if s:pos[0] == 0
      continue
    endif
    let s:got = synIDattr(synID(s:pos[0], s:pos[1], 1), 'name')
    let s:where = s:file . ':' . s:pos[0] . ':' . s:pos[1] . ': ' . s:kind
    if s:got ==# s:want
      call add(s:out, 'ok - ' . s:where . ' is ' . s:want)
      let s:seen[s:kind] = 1
    else
      call add(s:out, 'not ok - ' . s:where . ' is "' . s:got . '", expected ' . s:want . ' in: ' . getline(s:pos[0]))
    endif
  endfor
endfor
for [s:kind, s:pat, s:want] in s:kinds
  call add(s:out, (has_key(s:seen, s:kind) ? 'ok' : 'not ok') . ' - some shipped policy has a ' . s:kind)
endfor
call writefile(s:out, $RESULTS)
qall!
