(function(){
  function openAround(el){for(var d=el&&el.closest('details');d;d=d.parentElement&&d.parentElement.closest('details')){d.open=true;}}
  function clear(){document.querySelectorAll('.flash').forEach(function(e){e.classList.remove('flash');});
    document.querySelectorAll('.conflict.active').forEach(function(e){e.classList.remove('active');});}
  function light(ids){var found=[];ids.split(' ').forEach(function(mid){if(!mid){return;}
    document.querySelectorAll('[data-m~="'+mid+'"]').forEach(function(e){e.classList.add('flash');openAround(e);found.push(e);});});
    return found;}
  var jump=document.getElementById('jump'), origin=null, hits=[], at=0;
  function show(el){if(el){openAround(el);el.scrollIntoView({block:'center'});}}
  function panel(text){document.getElementById('jump-text').textContent=text;jump.style.display='block';}
  document.getElementById('jump-x').addEventListener('click',function(){clear();jump.style.display='none';});
  document.getElementById('jump-back').addEventListener('click',function(){show(origin);});
  document.getElementById('jump-next').addEventListener('click',function(){if(hits.length){at=(at+1)%hits.length;show(hits[at]);}});
  function go(from, ids, text){clear();origin=from;hits=light(ids);at=0;
    if(hits.length){show(hits[0]);panel(text+' ('+hits.length+' passage'+(hits.length>1?'s':'')+')');}}
  document.querySelectorAll('.conflict').forEach(function(box){
    function act(){go(box,box.dataset.marks,'Highlighted every side');box.classList.add('active');}
    box.addEventListener('click',act);
    box.addEventListener('keydown',function(ev){if(ev.key==='Enter'){act();}});
  });
  document.querySelectorAll('a.cite').forEach(function(link){
    link.addEventListener('click',function(ev){ev.preventDefault();go(link,link.dataset.target,'Cited passage');});
  });
  function openHash(){if(location.hash.length>1){var el=document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if(el){if(el.tagName==='DETAILS'){el.open=true;}openAround(el);el.scrollIntoView({block:'start'});}}}
  window.addEventListener('hashchange',openHash);
  document.querySelectorAll('a.toc-link').forEach(function(a){a.addEventListener('click',function(){
    var el=document.getElementById(a.getAttribute('href').slice(1));if(el){el.open=true;}});});
  openHash();
})();
