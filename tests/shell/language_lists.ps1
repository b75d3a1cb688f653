# Collections' Add: ArrayList's returns the new index (printed unless
# suppressed), a generic List's returns nothing, a plain array is fixed-size.
$al = New-Object System.Collections.ArrayList
$al.Add('first')
$al.Add('second')
[void]$al.Add('third')
$null = $al.Add('fourth')
$al.Add('fifth') | Out-Null
$al.Count
$al.Insert(0, 'zero')
$al.RemoveAt(1)
$al -join ','
$gl = [System.Collections.Generic.List[string]]::new()
$gl.Add('x')
$gl.Add('y')
$gl.AddRange([string[]]@('z', 'w'))
"$($gl.Count): $($gl -join ',')"
$typed = New-Object 'System.Collections.Generic.List[int]'
$typed.Add(5)
$typed.Count
$cast = [System.Collections.ArrayList]@(1, 2)
$cast.Add(3)
$fixed = @(1, 2)
$fixed.Add(3)
"fixed still has $($fixed.Count)"
$fixed += 3
"after += $($fixed.Count)"
$al.RemoveAt(99)
